/**
 * The best-practices lab's engine side. Two app servers (each its own Redis connection through the room's
 * proxy, and an L1 cache) serve four demonstrations:
 * - partial failures: Redis refused or frozen for this room only, the database slow or failing; every read
 *   and write is counted (fallbacks, failed invalidations with a log) and reads' latency while Redis is down
 *   is measured, with the time to the first cache hit once it is back;
 * - always a TTL: a missed invalidation on a user cached with a TTL and on one without, and a load that
 *   caches posts in two arms (with and without a TTL) whose keys and memory are measured in Redis;
 * - combined strategies: write-through, a Pub/Sub event to the other server and a TTL, run with a fault in
 *   each layer in turn, measuring stale reads and which layer ended them;
 * - monitoring: the room's /metrics lines scraped every second into rates (gauge events for the charts).
 * The strategies are ../strategies/fallback-read.ts, delete-on-write.ts, layered.ts and keyspace-arms.ts.
 */
import { make, type Actor } from '../../../lib/events'
import { dataKey } from '../../../lib/keys'
import {
  ARM_TTL_SECONDS,
  ARM_USERS,
  BP_GAUGES,
  CHURN_POSTS,
  COMBINED_FAULTS,
  COMBINED_TTL,
  DEFAULT_TTL_SECONDS,
  FAULT_INFO,
  bestPracticesLab,
  type ArmStatus,
  type BestPracticesState,
  type CombinedFault,
  type CombinedRow,
  type HealthFigures,
  type RedisMode,
} from '../../../lib/labs/best-practices'
import { formatBytes } from '../../../lib/labs/key-versioning'
import { AppServer } from '../app-servers/app-server'
import { errors } from '../errors'
import { isWriteTick, startLoad } from '../load'
import { renderPrometheus } from '../prometheus'
import type { Room } from '../room'
import type { UserRow } from '../room-db'
import { updateUser } from '../strategies/cache-aside-ttl'
import { deleteOnWrite } from '../strategies/delete-on-write'
import { readWithFallback } from '../strategies/fallback-read'
import { gaugesToRecord, type Recorded } from '../strategies/generation-memory'
import { measureArms, readArmPost } from '../strategies/keyspace-arms'
import { L1_FOREVER_MS, readLayered, savedBy, writeLayered } from '../strategies/layered'
import { Cluster, type Propagation } from '../strategies/propagation/cluster'
import { pubsubPropagation } from '../strategies/propagation/pubsub'
import { actAndPublish } from './act-and-publish'
import { parseScrape, ratesBetween, roomLines, type Scrape } from './best-practices-monitor'
import { recordSetting, resetRoom, setDbLatency } from './common'
import type { LabDefinition, LabEnv, LabInstance } from './lab'
import { sampleUntilQuiet } from './sample-until-quiet'

const SERVERS = 2
const L1_MAX = 200
/** Users the partial-failure load spreads over. */
const LOAD_USERS = 10
/** The user the combined strategy writes. */
const COMBINED_USER = 3
/** How long a combined run keeps reading after its write, and how often each server reads. */
const COMBINED_WATCH_MS = 8000
const COMBINED_READ_EVERY_MS = 250
const SAMPLE_EVERY_MS = 1000
/** Samples without any change before the sampler pauses. */
const QUIET_SAMPLES = 5
/** Read latencies kept while Redis is down, for the percentiles. */
const DOWN_SAMPLES = 2000
const LOG_ENTRIES = 8

function freshHealth(): HealthFigures {
  return {
    reads: 0,
    fallbacks: 0,
    failedReads: 0,
    writes: 0,
    failedWrites: 0,
    failedInvalidations: 0,
    log: [],
    downP50: null,
    downP99: null,
    downMax: null,
    recoveredAt: null,
    firstHitAfterMs: null,
  }
}

function defaults(): BestPracticesState {
  return {
    redis: 'up',
    dbFailing: false,
    ttlSeconds: DEFAULT_TTL_SECONDS,
    load: { rps: 0, writeRatio: 0.2 },
    churn: { rps: 0 },
    health: freshHealth(),
    arms: [],
    keyspace: null,
    combined: { running: null, rows: [] },
    metrics: [],
    stats: [],
    dbLatencyMs: 0,
    dbJitterMs: 0,
  }
}

let renames = 0

function createBestPracticesLab(room: Room, env: LabEnv): LabInstance {
  let state = withStats(defaults())
  let servers: AppServer<UserRow>[] = []
  let cluster: Cluster | undefined
  let pubsub: Propagation | undefined
  let starting: Promise<void> | undefined
  let stopLoad: (() => void) | undefined
  let stopChurn: (() => void) | undefined
  /** Post reads under way (each reads one post into both arms). */
  const churning = new Set<Promise<void>>()
  let downLatencies: number[] = []
  /** The missed-invalidation comparison has been started (its keys are worth looking at). */
  let armsOn = false
  let keyspaceOn = false
  const recorded = new Map<string, Recorded>()
  let lastScrape: { at: number; scrape: Scrape } | undefined

  const set = (patch: Partial<BestPracticesState>) => {
    state = withStats({ ...state, ...patch })
  }
  const setHealth = (patch: Partial<HealthFigures>) => set({ health: { ...state.health, ...patch } })
  /** The room's Redis mode and database state as they are now: another lab's reset may have changed them. */
  const current = () =>
    state.redis === room.redisMode && state.dbFailing === room.dbFailing
      ? state
      : (state = withStats({ ...state, redis: room.redisMode, dbFailing: room.dbFailing }))
  const publish = () => env.publishState(current())
  const ttlMs = () => (state.ttlSeconds === null ? null : state.ttlSeconds * 1000)

  /** Starts the servers and their subscribers on first use (a room that never opens this lab opens nothing). */
  const ensure = async (): Promise<{ servers: AppServer<UserRow>[]; cluster: Cluster; pubsub: Propagation }> => {
    if (!cluster || !pubsub) {
      starting ??= (async () => {
        const list: AppServer<UserRow>[] = []
        let p: Propagation | undefined
        let c: Cluster
        try {
          for (let i = 1; i <= SERVERS; i++)
            list.push(new AppServer<UserRow>(`app${i}`, room, { l1Max: L1_MAX, l1TtlMs: COMBINED_TTL.l1 * 1000 }))
          c = new Cluster(room, list)
          p = pubsubPropagation(c)
          await p.start()
        } catch (err) {
          // Out of connections (the instance's budget) or Redis away: close what did open, try again next time.
          await p?.stop().catch(() => {})
          await Promise.all(list.map((s) => s.close()))
          throw err
        }
        servers = list
        cluster = c
        pubsub = p
      })().finally(() => (starting = undefined))
      await starting
    }
    return { servers, cluster: cluster!, pubsub: pubsub! }
  }

  /** Closes the servers' connections; forgotten first, so an action meanwhile starts fresh ones. */
  const teardown = async () => {
    const [closing, p] = [servers, pubsub]
    servers = []
    cluster = undefined
    pubsub = undefined
    await p?.stop().catch(() => {})
    await Promise.all(closing.map((s) => s.close()))
  }

  const serverOf = (n: number) => {
    const s = servers[n - 1]
    if (!s) throw errors.invalid(`app${n} is not running (${SERVERS} servers are)`)
    return s
  }

  // ---- partial failures ----------------------------------------------------------------------------------

  const read = async (n: number, userId: number, by: Actor) => {
    await ensure()
    const server = serverOf(n)
    const down = room.redisMode !== 'up'
    const started = performance.now()
    const out = await server.request('read', by, (scope) => readWithFallback(scope, userId, ttlMs()), {
      key: dataKey.user(userId),
    })
    const ms = performance.now() - started
    const h = state.health
    const patch: Partial<HealthFigures> = {
      reads: h.reads + 1,
      fallbacks: h.fallbacks + (out.cache === 'down' ? 1 : 0),
      failedReads: h.failedReads + (out.ok ? 0 : 1),
    }
    if (down) {
      downLatencies.push(ms)
      if (downLatencies.length > DOWN_SAMPLES) downLatencies = downLatencies.slice(-DOWN_SAMPLES)
      Object.assign(patch, latencyFigures(downLatencies))
    }
    if (!down && out.cache === 'hit' && h.recoveredAt !== null && h.firstHitAfterMs === null) {
      patch.firstHitAfterMs = Math.round(Date.now() - h.recoveredAt)
    }
    setHealth(patch)
    kick()
    return out
  }

  const write = async (n: number, userId: number, by: Actor) => {
    await ensure()
    const server = serverOf(n)
    const key = dataKey.user(userId)
    const out = await server.request(
      'write',
      by,
      (scope) => deleteOnWrite(scope, userId, `Renamed ${++renames}`, { order: 'db-first' }),
      { key },
    )
    const h = state.health
    const failedDel = out.trace.find((s) => s.step === 'cache-del' && !s.ok)
    setHealth({
      writes: h.writes + 1,
      failedWrites: h.failedWrites + (out.ok ? 0 : 1),
      failedInvalidations: h.failedInvalidations + (failedDel ? 1 : 0),
      log: failedDel
        ? [{ at: Date.now(), key, detail: failedDel.detail ?? 'failed' }, ...h.log].slice(0, LOG_ENTRIES)
        : h.log,
    })
    kick()
    return out
  }

  const setRedis = async (mode: RedisMode) => {
    await ensure()
    const was = room.redisMode
    if (was === mode) return
    room.setRedisMode(mode)
    if (was === 'up') {
      downLatencies = []
      setHealth({ downP50: null, downP99: null, downMax: null, recoveredAt: null, firstHitAfterMs: null })
    }
    if (mode === 'up') setHealth({ recoveredAt: Date.now(), firstHitAfterMs: null })
    set({ redis: mode })
  }

  const setDbFailing = (on: boolean) => {
    if (room.dbFailing === on) return
    room.dbFailing = on
    room.record(
      make('fault', 'db', {
        name: 'db-down',
        on,
        detail: on ? 'every statement of this room fails in the database' : "the room's database works again",
      }),
    )
    set({ dbFailing: on })
  }

  const setLoad = (load: BestPracticesState['load']) => {
    stopLoad?.()
    stopLoad = undefined
    set({ load })
    if (load.rps > 0) {
      stopLoad = startLoad({
        rps: load.rps,
        tick: (i) => {
          const server = 1 + (i % SERVERS)
          const userId = 1 + Math.floor(Math.random() * LOAD_USERS)
          return isWriteTick(i, load.writeRatio) ? write(server, userId, 'load') : read(server, userId, 'load')
        },
      })
    }
    recordSetting(
      room,
      'load',
      load.rps > 0 ? `${load.rps} rps over users 1–${LOAD_USERS}, ${Math.round(load.writeRatio * 100)}% writes` : 'off',
    )
  }

  // ---- always a TTL ----------------------------------------------------------------------------------------

  /** The same missed invalidation twice: user 1 cached with a TTL, user 2 without; both rows change, no cache hears of it. */
  const missedInvalidation = async (by: Actor) => {
    const { servers: list } = await ensure()
    const app = list[0]!
    const users = [ARM_USERS.ttl, ARM_USERS.nottl]
    await app.request(
      'clean',
      by,
      (s) => s.cache.unlink(users.map(dataKey.user)).then(() => ({ ok: true, from: 'cache' as const })),
      {
        key: dataKey.user(ARM_USERS.ttl),
        label: 'start both keys clean',
      },
    )
    await app.request('read', by, (s) => readWithFallback(s, ARM_USERS.ttl, ARM_TTL_SECONDS * 1000), {
      key: dataKey.user(ARM_USERS.ttl),
      label: `cache with a ${ARM_TTL_SECONDS} s TTL`,
    })
    await app.request('read', by, (s) => readWithFallback(s, ARM_USERS.nottl, null), {
      key: dataKey.user(ARM_USERS.nottl),
      label: 'cache without a TTL',
    })
    for (const id of users) {
      await app.request('update', by, (s) => updateUser(s, id, `Renamed ${++renames}`), {
        key: dataKey.user(id),
        label: 'update; the invalidation is missed',
      })
    }
    armsOn = true
    kick()
    return readArms(by)
  }

  const readArms = async (by: Actor) => {
    const { servers: list } = await ensure()
    const app = list[0]!
    const out = []
    for (const [arm, id] of [
      ['ttl', ARM_USERS.ttl],
      ['nottl', ARM_USERS.nottl],
    ] as const) {
      const ttl = arm === 'ttl' ? ARM_TTL_SECONDS * 1000 : null
      const r = await app.request('read', by, (s) => readWithFallback(s, id, ttl), { key: dataKey.user(id) })
      out.push({ arm, from: r.from, version: r.version })
    }
    armsOn = true
    kick()
    return out
  }

  const setChurn = async (rps: number) => {
    const { servers: list } = await ensure()
    stopChurn?.()
    stopChurn = undefined
    // Stopped means stopped: a post read already under way finishes both its arms before this returns.
    await Promise.allSettled([...churning])
    set({ churn: { rps } })
    if (rps > 0) {
      keyspaceOn = true
      const app = list[0]!
      stopChurn = startLoad({
        rps,
        tick: () => {
          const id = 1 + Math.floor(Math.random() * CHURN_POSTS)
          const both = (async () => {
            for (const arm of ['ttl', 'nottl'] as const) {
              await app.request('read', 'load', (s) => readArmPost(s, arm, id, ARM_TTL_SECONDS * 1000), {
                key: dataKey.armPost(arm, id),
              })
            }
          })()
          churning.add(both)
          return both.finally(() => churning.delete(both))
        },
      })
    }
    recordSetting(room, 'churn', rps > 0 ? `${rps} post reads/s in each arm` : 'off')
    kick()
  }

  // ---- combined strategies ---------------------------------------------------------------------------------

  const runCombined = async (fault: CombinedFault, by: Actor): Promise<CombinedRow> => {
    const { servers: list, cluster: c, pubsub: p } = await ensure()
    if (room.redisMode !== 'up')
      throw errors.invalid('Bring Redis back for this room first: the combined strategy needs it.')
    if (state.combined.running) throw errors.busy('A combined run is already going in this room.')
    if (state.load.rps > 0) setLoad({ ...state.load, rps: 0 })
    if (state.churn.rps > 0) await setChurn(0)
    set({ combined: { ...state.combined, running: fault } })
    publish()
    const noTtl = fault === 'no-ttl' || fault === 'no-ttl+write-through'
    const redisTtlMs = noTtl ? null : COMBINED_TTL.redis * 1000
    const key = dataKey.user(COMBINED_USER)
    const [app1, app2] = [list[0]!, list[1]!]
    const seen: { kind: 'stale' | 'fresh' | 'l1-expired' | 'redis-expired'; at: number }[] = []
    let written: number | undefined
    let writeAt = 0
    const unlisten = room.listen((e) => {
      if (e.key !== key || written === undefined) return
      if (e.kind === 'stale-read') seen.push({ kind: 'stale', at: e.time })
      else if (e.kind === 'response' && e.data.ok && e.data.version === written)
        seen.push({ kind: 'fresh', at: e.time })
      else if (e.kind === 'l1-drop' && e.data.reason === 'expired') seen.push({ kind: 'l1-expired', at: e.time })
      else if (e.kind === 'expired') seen.push({ kind: 'redis-expired', at: e.time })
    })
    try {
      room.record(
        make('marker', 'app', { text: `Combined strategy: ${FAULT_INFO[fault].label} (${FAULT_INFO[fault].detail})` }),
      )
      for (const s of list) s.resetL1({ l1Max: L1_MAX, l1TtlMs: noTtl ? L1_FOREVER_MS : COMBINED_TTL.l1 * 1000 })
      await room.request('clean', by, (s) => s.cache.unlink([key]).then(() => ({ ok: true, from: 'cache' as const })), {
        key,
        label: 'start clean',
      })
      // Make sure both subscribers are listening before the run (after a reset they may still be connecting).
      for (const s of list) if (!c.listeners.get(s.id)?.up) await p.setListener(s, true)
      for (const s of list)
        await s.request('read', by, (scope) => readLayered(s, scope, COMBINED_USER, redisTtlMs), { key })
      if (fault === 'write-through' || fault === 'no-ttl+write-through') room.faults.arm('cache-write', 1)
      if (fault === 'event') {
        await p.setListener(app2, false)
        c.listeners.set(app2.id, { up: false })
        room.record(make('fault', 'app', { name: 'listener', on: true, detail: 'down' }, undefined, { node: app2.id }))
      }
      const out = await writeLayered(c, app1, COMBINED_USER, `Renamed ${++renames}`, { by, ttlMs: redisTtlMs })
      room.faults.disarm('cache-write')
      written = out.version
      writeAt = Date.now()
      if (fault === 'event') {
        await p.setListener(app2, true)
        c.listeners.set(app2.id, { up: true })
        room.record(
          make('fault', 'app', { name: 'listener', on: false, detail: 'back up' }, undefined, { node: app2.id }),
        )
      }
      const until = writeAt + COMBINED_WATCH_MS
      while (Date.now() < until) {
        for (const s of [app1, app2])
          await s.request('read', by, (scope) => readLayered(s, scope, COMBINED_USER, redisTtlMs), { key })
        await sleep(COMBINED_READ_EVERY_MS)
      }
      await env.redis.ping() // let the last notifications land
    } catch (err) {
      set({ combined: { ...state.combined, running: null } })
      throw err
    } finally {
      unlisten()
      room.faults.disarm('cache-write')
    }
    const stale = seen.filter((e) => e.kind === 'stale')
    const lastStale = stale.at(-1)
    const lastTwo = seen.filter((e) => e.kind === 'stale' || e.kind === 'fresh').slice(-2)
    const row: CombinedRow = {
      fault,
      staleReads: stale.length,
      staleWindowMs: lastStale ? Math.round(lastStale.at - writeAt) : 0,
      freshAtEnd: lastTwo.length > 0 && lastTwo.every((e) => e.kind === 'fresh'),
      savedBy: savedBy(seen),
    }
    const rows = [...state.combined.rows.filter((r) => r.fault !== fault), row].sort(
      (a, b) => COMBINED_FAULTS.indexOf(a.fault) - COMBINED_FAULTS.indexOf(b.fault),
    )
    set({ combined: { running: null, rows } })
    recordSetting(
      room,
      'combined',
      `${FAULT_INFO[fault].label}: ${row.staleReads} stale reads, saved by ${row.savedBy}`,
    )
    return row
  }

  // ---- the sampler: arms, keyspace, monitor ----------------------------------------------------------------

  const sample = async (force = false): Promise<boolean> => {
    const now = Date.now()
    const values: { name: string; value: number; noisy?: boolean }[] = []
    const patch: Partial<BestPracticesState> = {}
    const lines = roomLines(renderPrometheus([{ id: room.id, metrics: room.metrics }]), room.id)
    patch.metrics = lines
    const scrape = parseScrape(lines)
    // Rates over less than half a second (a measurement asked for between two ticks) would be noise.
    const fresh = !lastScrape || now - lastScrape.at >= SAMPLE_EVERY_MS / 2
    if (lastScrape && fresh) {
      const r = ratesBetween(lastScrape.scrape, scrape, now - lastScrape.at)
      values.push(
        { name: BP_GAUGES.invalidations, value: r.invalidationsPerSec },
        { name: BP_GAUGES.staleReads, value: r.staleReadsPerSec },
        { name: BP_GAUGES.cacheErrors, value: r.cacheErrorsPerSec },
      )
      if (r.hitRatio !== null) values.push({ name: BP_GAUGES.hitRatio, value: r.hitRatio })
    }
    if (fresh) lastScrape = { at: now, scrape }
    if (keyspaceOn) {
      const m = await measureArms(env.redis, room.keys.full, CHURN_POSTS)
      patch.keyspace = { ttl: m.arms.ttl, nottl: m.arms.nottl, usedMemory: m.usedMemory }
      values.push(
        { name: BP_GAUGES.ttlKeys, value: m.arms.ttl.keys },
        { name: BP_GAUGES.ttlBytes, value: m.arms.ttl.bytes },
        { name: BP_GAUGES.nottlKeys, value: m.arms.nottl.keys },
        { name: BP_GAUGES.nottlBytes, value: m.arms.nottl.bytes },
      )
      if (m.usedMemory !== null) values.push({ name: BP_GAUGES.usedMemory, value: m.usedMemory, noisy: true })
    }
    if (armsOn) patch.arms = await lookAtArms(now)
    const changed = gaugesToRecord(recorded, values, now, force)
    for (const { name, value } of changed) {
      const unit = name.endsWith('memory')
        ? 'bytes'
        : name.endsWith('keys')
          ? 'keys'
          : name === BP_GAUGES.hitRatio
            ? '%'
            : '/s'
      room.record(make('gauge', 'cache', { name, value, unit }))
      recorded.set(name, { value, at: now })
    }
    const armsBefore = JSON.stringify(state.arms)
    set(patch)
    const armsChanged = JSON.stringify(state.arms) !== armsBefore
    if (changed.length > 0 || armsChanged) publish()
    return changed.some((c) => c.name !== BP_GAUGES.usedMemory) || armsChanged
  }

  /** What Redis and the database hold for the two users of the missed-invalidation comparison. */
  const lookAtArms = async (now: number): Promise<ArmStatus[]> => {
    const pipeline = env.redis.pipeline()
    const arms = [
      { arm: 'ttl' as const, id: ARM_USERS.ttl, ttlSeconds: ARM_TTL_SECONDS },
      { arm: 'nottl' as const, id: ARM_USERS.nottl, ttlSeconds: null },
    ]
    for (const a of arms) pipeline.get(room.keys.full(dataKey.user(a.id))).pttl(room.keys.full(dataKey.user(a.id)))
    const replies = (await pipeline.exec()) ?? []
    return arms.map((a, i) => {
      const raw = replies[i * 2]?.[1] as string | null
      const pttl = replies[i * 2 + 1]?.[1] as number
      let cached: number | null = null
      try {
        cached = raw ? ((JSON.parse(raw) as { version?: number }).version ?? null) : null
      } catch {
        cached = null
      }
      const key = dataKey.user(a.id)
      const truth = room.oracle.truth(key) ?? null
      const since = cached !== null ? room.oracle.staleSince(key, cached) : null
      return {
        arm: a.arm,
        key,
        ttlSeconds: a.ttlSeconds,
        cached,
        truth,
        ttlLeftMs: pttl >= 0 ? pttl : null,
        staleSince: since !== null && since <= now ? since : null,
      }
    })
  }

  const { kick, pause, settled } = sampleUntilQuiet({
    sample,
    busy: () =>
      state.load.rps > 0 ||
      state.churn.rps > 0 ||
      state.combined.running !== null ||
      // A key that will expire is worth watching; one stale for ever is not (the browser counts its seconds).
      state.arms.some((a) => a.ttlLeftMs !== null),
    everyMs: SAMPLE_EVERY_MS,
    quietSamples: QUIET_SAMPLES,
  })

  const actions: Record<string, (p: Record<string, unknown>, by: Actor) => Promise<unknown>> = {
    read: (p, by) => read((p.server as number | undefined) ?? 1, p.userId as number, by),
    write: (p, by) => write((p.server as number | undefined) ?? 1, p.userId as number, by),
    redis: async (p) => {
      await setRedis(p.mode as RedisMode)
      kick()
      return state
    },
    dbFailing: async (p) => {
      setDbFailing(p.on as boolean)
      kick()
      return state
    },
    setTtl: async (p) => {
      set({ ttlSeconds: p.seconds as number | null })
      recordSetting(room, 'ttl', state.ttlSeconds === null ? 'none' : `${state.ttlSeconds} s`)
      return state
    },
    load: async (p) => {
      await ensure()
      setLoad({ rps: p.rps as number, writeRatio: p.writeRatio as number })
      kick()
      return state
    },
    missed: (_p, by) => missedInvalidation(by),
    readArms: (_p, by) => readArms(by),
    churn: async (p) => {
      await setChurn(p.rps as number)
      return state
    },
    measure: async () => {
      keyspaceOn = true
      await sample(true)
      kick()
      return { keyspace: state.keyspace, arms: state.arms }
    },
    combine: async (p, by) => {
      kick()
      return runCombined(p.fault as CombinedFault, by)
    },
    combineAll: async (p, by) => {
      kick()
      const all = async () => {
        const rows: CombinedRow[] = []
        for (const fault of COMBINED_FAULTS) {
          rows.push(await runCombined(fault, by))
          publish()
        }
        return rows
      }
      if (!p.detach) return all()
      all().catch((err: unknown) =>
        room.record(make('marker', 'app', { text: `Combined runs stopped: ${(err as Error).message}` })),
      )
      return { started: COMBINED_FAULTS.length }
    },
    dbLatency: async (p) => {
      set(setDbLatency(room, p.ms as number, p.jitterMs as number))
      return state
    },
    reset: async () => {
      stopLoad?.()
      stopChurn?.()
      stopLoad = stopChurn = undefined
      pause()
      await Promise.allSettled([settled(), ...churning])
      room.setRedisMode('up')
      setDbFailing(false)
      room.faults.clear()
      armsOn = keyspaceOn = false
      recorded.clear()
      lastScrape = undefined
      downLatencies = []
      await teardown()
      state = withStats(defaults())
      const result = await resetRoom(room, env)
      await ensure()
      return { ...state, ...result }
    },
  }

  const act = actAndPublish(actions, () => state, publish)
  /** Set by leave() until its teardown runs; an action in this lab meanwhile clears it. */
  let leaving: object | undefined
  return {
    state: current,
    act: (action, params, by) => {
      leaving = undefined // back in this lab: a teardown still waiting for the last requests is called off
      return act(action, params, by)
    },
    stop() {
      stopLoad?.()
      stopChurn?.()
      pause()
      void teardown()
    },
    /**
     * The room moved to another lab or went idle: the load and churn stop and the app servers give their
     * Redis connections back (the next action here starts them again, with empty L1 caches).
     */
    leave() {
      stopLoad?.()
      stopChurn?.()
      stopLoad = stopChurn = undefined
      pause()
      state = withStats({ ...state, load: { ...state.load, rps: 0 }, churn: { rps: 0 } })
      const token = (leaving = {})
      // The requests still under way finish on their connections first.
      void Promise.allSettled([settled(), ...churning]).then(() => (leaving === token ? teardown() : undefined))
    },
    inspect() {
      const now = Date.now()
      return servers.map((s) => ({
        id: s.id,
        entries: s.l1.snapshot(now).map((e) => ({ key: e.key, version: e.version ?? null, ttlMs: e.ttlMs })),
      }))
    },
  }
}

function latencyFigures(samples: readonly number[]): Pick<HealthFigures, 'downP50' | 'downP99' | 'downMax'> {
  if (samples.length === 0) return { downP50: null, downP99: null, downMax: null }
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (p: number) =>
    round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!)
  return { downP50: at(50), downP99: at(99), downMax: round(sorted.at(-1)!) }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10
}

function withStats(s: BestPracticesState): BestPracticesState {
  const h = s.health
  const down = s.redis !== 'up'
  return {
    ...s,
    stats: [
      {
        label: 'Redis for this room',
        value: s.redis === 'up' ? 'up' : s.redis,
        hint:
          s.redis === 'up'
            ? 'everyone else’s Redis is never touched'
            : s.redis === 'refused'
              ? 'connections cut and refused'
              : 'connections open, no answers',
        warn: down,
      },
      {
        label: 'Reads the DB answered',
        value: h.fallbacks,
        hint: `because Redis failed, of ${h.reads} reads (${h.failedReads} failed)`,
        warn: h.failedReads > 0,
      },
      {
        label: 'Read p99 while down',
        value: h.downP99 === null ? '—' : `${h.downP99} ms`,
        hint: h.downMax === null ? 'no read yet while Redis was down' : `max ${h.downMax} ms`,
      },
      {
        label: 'Failed invalidations',
        value: h.failedInvalidations,
        hint: `logged and counted; ${h.writes - h.failedWrites} of ${h.writes} writes succeeded`,
        warn: h.failedInvalidations > 0,
      },
      ...(s.keyspace
        ? [
            {
              label: 'Keyspace: no TTL vs TTL',
              value: `${s.keyspace.nottl.keys} / ${s.keyspace.ttl.keys}`,
              hint: `${formatBytes(s.keyspace.nottl.bytes)} vs ${formatBytes(s.keyspace.ttl.bytes)}`,
              warn: s.keyspace.nottl.keys > s.keyspace.ttl.keys,
            },
          ]
        : []),
    ],
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

export const bestPracticesLabDefinition: LabDefinition = { spec: bestPracticesLab, create: createBestPracticesLab }
