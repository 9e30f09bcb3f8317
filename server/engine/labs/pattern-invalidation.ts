/**
 * The pattern-invalidation lab's engine side: it holds the SCAN loop (so "Step" really makes one call from
 * the cursor the last call handed back), fills the room, and runs KEYS and the tag set for comparison.
 * Actions that touch many keys run one at a time per room. The strategies are in ../strategies/.
 */
import { make, roundMs, type Actor } from '../../../lib/events'
import { dataKey, isInternalKey, parseRoomKey } from '../../../lib/keys'
import {
  DEFAULT_PAGES,
  KEYS_BY_REDIS,
  SCAN_BY_REDIS,
  PATTERN_LIMITS,
  patternLab,
  type MethodResult,
  type PatternLabState,
  type ScanMode,
  type ScanView,
} from '../../../lib/labs/pattern-invalidation'
import { errors } from '../errors'
import type { Room, Scope } from '../room'
import { updateUser } from '../strategies/cache-aside-ttl'
import { addBulk, bulkPlan, removeBulk } from '../strategies/bulk-keys'
import { keysVerdict, invalidateWithKeys } from '../strategies/keys-invalidation'
import {
  growKeyspace,
  growSet,
  resizePlan,
  shrinkKeyspace,
  shrinkSet,
  SHRINK_WAIT_MS,
  type Grown,
  type GrownSet,
} from '../strategies/keyspace-resize'
import { Prober } from '../strategies/redis-probe'
import { commandTally, timedByRedis } from '../strategies/redis-timing'
import {
  median,
  newIteration,
  scanStep,
  userPattern,
  type ScanIteration,
  type StepHooks,
} from '../strategies/scan-invalidation'
import { invalidateByTag, readProfile } from '../strategies/tag-invalidation'
import { fillRoom, removeQuietly } from '../strategies/user-keys'
import { actAndPublish } from './act-and-publish'
import { recordSetting, resetRoom, setDbLatency } from './common'
import type { LabDefinition, LabEnv, LabInstance } from './lab'

/** A fill that names no size fills this many other keys (or the last fill's). */
const DEFAULT_OTHERS = 5000
/** Rows of the loop the published state carries (the timeline has every call). */
const PUBLISHED_ROWS = 100
/** While "Run to the end" runs, the browsers get the loop this often. */
const PUBLISH_EVERY_MS = 300

/** What a resize hook grew before the current call, to shrink after it. */
interface GrownNow {
  keys?: Grown
  set?: GrownSet
}

/** One KEYS at a time in this process, whichever room asks. */
let keysRunning = false

function defaults(): PatternLabState {
  return {
    userId: 1,
    count: 100,
    mode: 'delete',
    fill: null,
    bulk: 0,
    dbsize: null,
    scan: null,
    results: {},
    stats: [],
    dbLatencyMs: 0,
    dbJitterMs: 0,
  }
}

let renameCounter = 0

function createPatternLab(room: Room, env: LabEnv): LabInstance {
  let state = withStats(defaults())
  let it: ScanIteration | undefined
  let lastKeysAt: number | undefined
  /** Bulk keys this room has added (outside the room, so nothing else would remove them early). */
  let bulk = 0
  const prober = new Prober(env.redis)

  // Actions that touch many keys run one after another.
  let queue: Promise<unknown> = Promise.resolve()
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn)
    queue = run.catch(() => {})
    return run
  }

  const set = (patch: Partial<PatternLabState>) => {
    state = withStats({ ...state, ...patch })
  }
  const publish = () => env.publishState(state)

  /** Times another client while `op` runs, and records the longest wait as a `probe` event. */
  const probed =
    (scope: Scope, during: string, key: string) =>
    async <T>(op: () => Promise<T>) => {
      const r = await prober.during(op)
      if (r.probes.length > 0)
        room.record(make('probe', 'cache', { ms: Math.max(...r.probes), during }, key, { req: scope.req }))
      return r
    }

  /** The room's data keys (not its event stream or metadata), found with one recorded SCAN loop. */
  const roomDataKeys = (scope: Scope) =>
    scope.cache.command(
      'SCAN',
      '*',
      async (redis, full) => {
        const keys: string[] = []
        let cursor = '0'
        do {
          const [next, batch] = await redis.scan(cursor, 'MATCH', full, 'COUNT', 1000)
          for (const k of batch) {
            const parsed = parseRoomKey(k)
            if (parsed && !isInternalKey(parsed.key)) keys.push(parsed.key)
          }
          cursor = next
        } while (cursor !== '0')
        return keys
      },
      { detail: (keys) => `${keys.length} keys in the room, to be replaced` },
    )

  const dbsize = (scope: Scope, key: string) =>
    scope.cache.command('DBSIZE', key, (redis) => redis.dbsize(), {
      detail: (n) => `${n.toLocaleString('en')} keys in this Redis`,
    })

  const fill = (userId: number, others: number, pages: number, by: Actor) =>
    serial(() =>
      room.request(
        'fill',
        by,
        async (scope) => {
          const before = await dbsize(scope, userPattern(userId))
          if (before + others + 200 > PATTERN_LIMITS.dbsizeCeiling) {
            throw errors.tooMany(
              `Fill refused: this Redis already holds ${before.toLocaleString('en')} keys; the lab keeps it under ${PATTERN_LIMITS.dbsizeCeiling.toLocaleString('en')}.`,
            )
          }
          const old = await roomDataKeys(scope)
          await removeQuietly(scope, old, '*')
          const result = await fillRoom(scope, { userId, others, pages, ttlMs: PATTERN_LIMITS.fillTtlSeconds * 1000 })
          it = undefined
          set({
            userId,
            fill: { userId, others, pages, keys: result.keys, userKeys: result.userKeys },
            dbsize: before - old.length + result.keys,
            scan: null,
          })
          return { ok: true, from: 'db' as const, ...result, ms: roundMs(result.ms) }
        },
        { key: userPattern(userId), label: `${others.toLocaleString('en')} other keys` },
      ),
    )

  // --- The SCAN loop ----------------------------------------------------------------------------------

  const start = (userId: number, mode: ScanMode) => {
    it = newIteration(userId, mode)
    set({ userId, mode, scan: view(it) })
    recordSetting(room, 'scan loop', `${it.match}, ${mode}`)
  }

  /**
   * Resize modes: every other call, grow a table before it and shrink it after, so that the next call runs on
   * the smaller table with a cursor from the bigger one. `resize` works on Redis's key table (temporary keys
   * outside the room, then a wait for Redis's background cycle); `sscan` on the tag set's own table.
   */
  const resizeHooks = (scope: Scope, loop: ScanIteration, grown: GrownNow): Pick<StepHooks, 'before' | 'after'> => ({
    async before() {
      if ((loop.mode !== 'resize' && loop.mode !== 'sscan') || loop.resize.lastGrown || loop.resize.note)
        return undefined
      if (loop.resize.cycles >= PATTERN_LIMITS.resizeMaxCycles) return undefined
      const t = performance.now()
      if (loop.set) {
        const members = await scope.cache.command('SCARD', loop.set, (redis, full) => redis.scard(full), {
          detail: (n) => `${n} members`,
        })
        if (members === 0) return undefined
        const plan = resizePlan(members, PATTERN_LIMITS.churnMaxKeys)
        if (!plan.ok) return noResize(plan.reason)
        grown.set = await growSet(scope, loop.set, plan)
        loop.resize.cycles += 1
        return `set grown to ${plan.tableAfterGrow.toLocaleString('en')} slots`
      }
      const plan = resizePlan(await env.redis.dbsize(), PATTERN_LIMITS.churnMaxKeys)
      if (!plan.ok) return noResize(plan.reason)
      const g = await growKeyspace(env.redis, room.id, plan.add)
      if (!g) return 'not resized: another room is resizing right now'
      grown.keys = g
      loop.resize.cycles += 1
      const detail = `SET ${plan.add.toLocaleString('en')} temporary keys outside the room (EX 60): Redis's key table grows to ${plan.tableAfterGrow.toLocaleString('en')} slots`
      room.record(
        make('command', 'cache', { cmd: 'PIPELINE', ms: roundMs(performance.now() - t), detail }, loop.match, {
          req: scope.req,
        }),
      )
      return `table grown to ${plan.tableAfterGrow.toLocaleString('en')} slots`

      function noResize(reason: string) {
        loop.resize.note = `No resize: ${reason}.`
        room.record(make('marker', 'app', { text: loop.resize.note }))
        return 'not resized'
      }
    },
    async after() {
      if (!grown.keys && !grown.set) {
        loop.resize.lastGrown = false
        return undefined
      }
      if (grown.set) {
        const g = grown.set
        grown.set = undefined
        await shrinkSet(scope, loop.set!, g)
      } else {
        const g = grown.keys!
        grown.keys = undefined
        const t = performance.now()
        await shrinkKeyspace(env.redis, room.id, g)
        const detail = `deleted the ${g.added.toLocaleString('en')} temporary keys: Redis shrinks its key table in its next background cycle`
        room.record(
          make('command', 'cache', { cmd: 'UNLINK', ms: roundMs(performance.now() - t), detail }, loop.match, {
            req: scope.req,
          }),
        )
        await new Promise((r) => setTimeout(r, SHRINK_WAIT_MS))
      }
      // The next call runs on the shrunk table with a cursor from the grown one: that is where keys come back.
      loop.resize.lastGrown = true
      return 'table shrunk after the call'
    },
  })

  /** One call of the loop; a loop that has ended (or none) is started again first. */
  const step = async (scope: Scope, loop: ScanIteration) => {
    const grown: GrownNow = {}
    const hooks: StepHooks = {
      probe: probed(scope, loop.set ? 'SSCAN' : 'SCAN', loop.set ?? loop.match),
      ...resizeHooks(scope, loop, grown),
    }
    try {
      return await scanStep(scope, loop, state.count, hooks)
    } finally {
      // A call that failed between growing and shrinking must not leave the temporary keys (or the lock).
      if (grown.keys) await shrinkKeyspace(env.redis, room.id, grown.keys).catch(() => {})
      if (grown.set) await shrinkSet(scope, loop.set!, grown.set).catch(() => {})
    }
  }

  const current = (): ScanIteration => {
    if (!it || it.done) start(state.userId, state.mode)
    return it!
  }

  const finished = (loop: ScanIteration) => {
    if (!loop.done) return
    const result: MethodResult = {
      userId: loop.userId,
      deleted: loop.deleted,
      roundTrips: loop.roundTrips,
      ms: roundMs(loop.ms),
      probeMaxMs: loop.probeMaxMs,
      probeMedianMs: median(loop.probes),
      note: `${loop.calls} ${loop.set ? 'SSCAN calls over the tag set' : 'SCAN calls'} with COUNT ${state.count}${loop.duplicates ? `, ${loop.duplicates} keys returned twice` : ''}`,
      at: Date.now(),
    }
    set({ results: { ...state.results, scan: result } })
  }

  const scanOnce = (by: Actor) =>
    serial(() => {
      const loop = current()
      return room.request(
        'scanStep',
        by,
        async (scope) => {
          const row = await step(scope, loop)
          set({ scan: view(loop) })
          finished(loop)
          return { ok: true, from: 'cache' as const, row, done: loop.done }
        },
        { key: loop.set ?? loop.match },
      )
    })

  const scanToEnd = (by: Actor) =>
    serial(() => {
      const loop = current()
      return room.request(
        'scanRun',
        by,
        async (scope) => {
          let calls = 0
          let lastPublish = Date.now()
          // How long one SCAN call held Redis, by its own clock, to set beside KEYS's (the whole server's SCAN
          // calls over the loop: this room's, and any another client made meanwhile).
          const before = loop.set ? undefined : await commandTally(env.redis, 'scan')
          while (!loop.done && calls < PATTERN_LIMITS.runMaxCalls) {
            await step(scope, loop)
            calls += 1
            if (Date.now() - lastPublish > PUBLISH_EVERY_MS) {
              set({ scan: view(loop) })
              publish()
              lastPublish = Date.now()
            }
          }
          if (before) {
            const after = await commandTally(env.redis, 'scan')
            const n = after.calls - before.calls
            if (n > 0) {
              const ms = roundMs((after.usec - before.usec) / n / 1000)
              room.record(make('probe', 'cache', { ms, during: SCAN_BY_REDIS }, loop.match, { req: scope.req }))
            }
          }
          set({ scan: { ...view(loop), capped: !loop.done } })
          finished(loop)
          return {
            ok: true,
            from: 'cache' as const,
            ...view(loop),
            rows: undefined,
            callsThisRun: calls,
            capped: !loop.done,
          }
        },
        { key: loop.set ?? loop.match },
      )
    })

  // --- KEYS and the tag set ---------------------------------------------------------------------------

  const keys = (userId: number, by: Actor) =>
    serial(() =>
      room.request(
        'keys',
        by,
        async (scope) => {
          const pattern = userPattern(userId)
          const size = await dbsize(scope, pattern)
          set({ dbsize: size })
          const verdict = keysVerdict(size, Date.now(), lastKeysAt, {
            maxDbsize: PATTERN_LIMITS.keysMaxDbsize,
            cooldownMs: PATTERN_LIMITS.keysCooldownMs,
          })
          if (!verdict.ok) {
            const refused = {
              userId,
              deleted: 0,
              roundTrips: 1,
              ms: 0,
              probeMaxMs: null,
              probeMedianMs: null,
              dbsize: size,
              note: verdict.reason,
              at: Date.now(),
            }
            set({ results: { ...state.results, keys: refused } })
            throw errors.tooMany(verdict.reason)
          }
          if (keysRunning) throw errors.busy('Another room is running KEYS right now: try again in a moment.')
          keysRunning = true
          lastKeysAt = Date.now()
          try {
            // The PING from another client shows the block only if it catches KEYS running; Redis's own clock
            // says how long KEYS held the server whatever the timing, and that is what the demo's check reads.
            const { result: out, redisMs } = await timedByRedis(env.redis, ['KEYS', room.keys.full(pattern)], () =>
              invalidateWithKeys(scope, pattern, size, probed(scope, 'KEYS', pattern)),
            )
            if (redisMs !== undefined)
              room.record(make('probe', 'cache', { ms: roundMs(redisMs), during: KEYS_BY_REDIS }, pattern, { req: scope.req }))
            const probeMaxMs = out.probes.length > 0 ? Math.max(...out.probes) : null
            const note = `KEYS took ${out.keysMs} ms over ${size.toLocaleString('en')} keys`
            const result = {
              userId,
              deleted: out.deleted,
              roundTrips: out.roundTrips,
              ms: out.ms,
              probeMaxMs,
              probeMedianMs: median(out.probes),
              dbsize: size,
              note,
              at: Date.now(),
            }
            set({ userId, results: { ...state.results, keys: result } })
            return { ok: true, from: 'cache' as const, ...out }
          } finally {
            keysRunning = false
          }
        },
        { key: userPattern(userId) },
      ),
    )

  const tag = (userId: number, by: Actor) =>
    serial(() =>
      room.request(
        'tag',
        by,
        async (scope) => {
          const { result: out, probes } = await probed(
            scope,
            'tag set',
            dataKey.userTag(userId),
          )(() => invalidateByTag(scope, userId))
          set({
            userId,
            results: {
              ...state.results,
              tag: {
                userId,
                deleted: out.deleted,
                roundTrips: out.roundTrips,
                ms: out.ms,
                probeMaxMs: probes.length > 0 ? Math.max(...probes) : null,
                probeMedianMs: median(probes),
                note:
                  out.registered === 0
                    ? 'the tag set was empty (nothing registered)'
                    : `${out.registered} keys registered`,
                at: Date.now(),
              },
            },
          })
          return { ok: true, from: 'cache' as const, ...out }
        },
        { key: dataKey.userTag(userId) },
      ),
    )

  // --- Other apps' keys ---------------------------------------------------------------------------------

  const setBulk = (n: number, by: Actor) =>
    serial(() =>
      room.request(
        'bulk',
        by,
        async (scope) => {
          const t = performance.now()
          if (n === 0) {
            const removed = bulk > 0 ? await removeBulk(env.redis, room.id, bulk) : 0
            if (bulk > 0) {
              room.record(
                make(
                  'command',
                  'cache',
                  {
                    cmd: 'UNLINK',
                    ms: roundMs(performance.now() - t),
                    detail: `${removed.toLocaleString('en')} keys of other apps removed`,
                  },
                  undefined,
                  { req: scope.req },
                ),
              )
            }
            bulk = 0
          } else {
            const size = await dbsize(scope, 'other apps')
            const plan = bulkPlan(size - bulk, n, PATTERN_LIMITS.dbsizeCeiling)
            if (!plan.ok) throw errors.tooMany(`Refused: ${plan.reason}.`)
            if (!(await addBulk(env.redis, room.id, plan.add, PATTERN_LIMITS.bulkTtlSeconds))) {
              throw errors.busy('Another room is adding keys right now: try again in a moment.')
            }
            bulk = plan.add
            room.record(
              make(
                'command',
                'cache',
                {
                  cmd: 'PIPELINE',
                  ms: roundMs(performance.now() - t),
                  detail: `SET ${plan.add.toLocaleString('en')} keys of other apps, outside the room (EX ${PATTERN_LIMITS.bulkTtlSeconds})`,
                },
                undefined,
                { req: scope.req },
              ),
            )
          }
          set({ bulk, dbsize: await env.redis.dbsize() })
          return { ok: true, from: 'cache' as const, bulk }
        },
        { label: n === 0 ? 'remove' : `${n.toLocaleString('en')} keys` },
      ),
    )

  const actions: Record<string, (p: Record<string, unknown>, by: Actor) => Promise<unknown>> = {
    fill: (p, by) =>
      fill(
        p.userId as number,
        (p.others as number | undefined) ?? state.fill?.others ?? DEFAULT_OTHERS,
        (p.pages as number | undefined) ?? state.fill?.pages ?? DEFAULT_PAGES,
        by,
      ),
    bulk: (p, by) => setBulk(p.keys as number, by),
    setCount: async (p) => {
      set({ count: p.count as number })
      recordSetting(room, 'count', state.count)
      return state
    },
    scanStart: (p) =>
      serial(async () => {
        start(p.userId as number, p.mode as ScanMode)
        return state.scan
      }),
    scanStep: (_p, by) => scanOnce(by),
    scanRun: (_p, by) => scanToEnd(by),
    keys: (p, by) => keys(p.userId as number, by),
    tag: (p, by) => tag(p.userId as number, by),
    read: (p, by) =>
      room.request('read', by, (s) => readProfile(s, p.userId as number, PATTERN_LIMITS.fillTtlSeconds * 1000), {
        key: dataKey.userPart(p.userId as number, 'profile'),
      }),
    update: (p, by) =>
      room.request('update', by, (s) => updateUser(s, p.userId as number, `Renamed ${++renameCounter}`), {
        key: dataKey.user(p.userId as number),
      }),
    dbLatency: async (p) => {
      set(setDbLatency(room, p.ms as number, p.jitterMs as number))
      return state
    },
    reset: () =>
      serial(async () => {
        if (bulk > 0) await removeBulk(env.redis, room.id, bulk).catch(() => 0)
        bulk = 0
        // The fill goes quietly (one event per thousand keys); resetRoom records a delete for anything else.
        const scope = room.scope({ req: 'reset' })
        await removeQuietly(scope, await roomDataKeys(scope), '*')
        it = undefined
        state = withStats(defaults())
        return { ...state, ...(await resetRoom(room, env)) }
      }),
  }

  return {
    state: () => state,
    act: actAndPublish(actions, () => state, publish),
    stop() {
      if (bulk > 0) void removeBulk(env.redis, room.id, bulk).catch(() => 0)
      bulk = 0
    },
  }
}

/** The loop as the browser sees it. */
function view(loop: ScanIteration): ScanView {
  return {
    userId: loop.userId,
    match: loop.match,
    set: loop.set,
    mode: loop.mode,
    cursor: loop.cursor,
    done: loop.done,
    calls: loop.calls,
    examined: loop.examined,
    returned: loop.returned,
    unique: loop.seen.size,
    duplicates: loop.duplicates,
    deleted: loop.deleted,
    roundTrips: loop.roundTrips,
    ms: roundMs(loop.ms),
    probeMaxMs: loop.probeMaxMs,
    probeMedianMs: median(loop.probes),
    resizes: loop.resize.cycles,
    resizeNote: loop.resize.note,
    rows: loop.rows.slice(-PUBLISHED_ROWS),
    droppedRows: loop.droppedRows + Math.max(0, loop.rows.length - PUBLISHED_ROWS),
  }
}

function withStats(s: PatternLabState): PatternLabState {
  const loop = s.scan
  const scan = s.results.scan ?? (loop ? { probeMedianMs: loop.probeMedianMs, probeMaxMs: loop.probeMaxMs } : undefined)
  const keys = s.results.keys
  const fmt = (ms: number | null | undefined) =>
    ms === null || ms === undefined ? '—' : `${ms < 10 ? ms.toFixed(2) : Math.round(ms)} ms`
  return {
    ...s,
    stats: [
      {
        label: 'Keys in Redis',
        value: s.dbsize === null ? '—' : s.dbsize.toLocaleString('en'),
        hint: 'the whole database: every room, every app',
      },
      {
        label: 'SCAN calls',
        value: loop ? loop.calls : 0,
        hint: loop
          ? loop.done
            ? `done: cursor back at 0, ${loop.roundTrips} round trips`
            : `cursor ${loop.cursor}`
          : 'no loop yet',
      },
      {
        label: 'Keys returned twice',
        value: loop ? loop.duplicates : 0,
        hint: loop
          ? loop.mode === 'delete'
            ? 'a delete loop cannot see one: the key is gone'
            : loop.duplicates > 0
              ? 'dropped by the Set'
              : 'none so far in this loop'
          : 'the resizing modes show them',
      },
      {
        label: 'Other client waited',
        value: keys?.probeMaxMs ? fmt(keys.probeMaxMs) : fmt(scan?.probeMedianMs),
        hint: `during SCAN typically ${fmt(scan?.probeMedianMs)} (worst ${fmt(scan?.probeMaxMs)}) · during KEYS ${fmt(keys?.probeMaxMs)}`,
        warn: (keys?.probeMaxMs ?? 0) > 5,
      },
    ],
  }
}

export const patternLabDefinition: LabDefinition = { spec: patternLab, create: createPatternLab }
