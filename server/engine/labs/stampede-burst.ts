/**
 * Fires a burst: N concurrent reads of one key or many (uniform or Zipf), all at once or ramped, through one
 * stampede strategy, after putting the keys in the starting state the learner picked. Every read is real
 * (Redis and the database); only a handful are recorded in full on the timeline. The rest are summed up in
 * `burst` events: a progress event every 100 ms (what finished since the last one, queries in flight) and an
 * end event with the exact totals, so 5000 requests cost tens of events, not tens of thousands.
 */
import { make, type Actor } from '../../../lib/events'
import { dataKey, guardKey } from '../../../lib/keys'
import type { BurstShape, BurstSummary } from '../../../lib/labs/stampede'
import { pickKey, type StrategyId } from '../../../lib/labs/stampede-math'
import type { Room, Scope } from '../room'
import { loadEntry, storeEntry, type Entry } from '../strategies/stampede/entry'
import { STAMPEDE_STRATEGIES } from '../strategies/stampede'
import { STALE_EXTRA_MS } from '../strategies/stampede/leases'
import type { AppServer, ReadContext, StampedeSettings } from '../strategies/stampede/types'
import type { UnlockChannel } from '../strategies/stampede/unlock-channel'
import { BurstTally } from './stampede-tally'

/** Requests recorded in full on the timeline, spread over the burst (first, last and between). */
export const SAMPLED_REQUESTS = 6
const PROGRESS_EVERY_MS = 100

export interface BurstRun {
  strategy: StrategyId
  shape: BurstShape
  settings: StampedeSettings
  servers: AppServer[]
  by: Actor
  compare?: string
  /** True once for the lock or lease winner that is to die (the fault). */
  holderDies(): boolean
  /** The room's unlock channel, when lock waiters wait on a notification. */
  unlocks?: UnlockChannel
  random?: () => number
}

let burstCounter = 0

/** Which request indices are recorded in full: evenly spread, first and last included. */
export function sampledIndices(n: number, count = SAMPLED_REQUESTS): Set<number> {
  const picked = new Set<number>()
  if (n <= 0) return picked
  const k = Math.min(n, count)
  for (let j = 0; j < k; j++) picked.add(k === 1 ? 0 : Math.round((j * (n - 1)) / (k - 1)))
  return picked
}

/** When request i of n starts, ms after the burst begins. */
export function startOffset(i: number, n: number, rampMs: number): number {
  return rampMs <= 0 || n <= 1 ? 0 : (i * rampMs) / (n - 1)
}

/** Key indices each request reads (fixed before the burst, so every strategy of a comparison gets the same). */
export function planKeys(shape: BurstShape, random: () => number): number[] {
  return Array.from({ length: shape.n }, () => pickKey(shape.keys, shape.distribution, random()))
}

export async function fireBurst(room: Room, run: BurstRun, keyPlan?: number[]): Promise<BurstSummary> {
  const { shape, settings, servers, strategy: strategyId } = run
  const random = run.random ?? Math.random
  const strategy = STAMPEDE_STRATEGIES[strategyId]
  const id = `b${(++burstCounter).toString(36)}`
  const plan = keyPlan ?? planKeys(shape, random)
  const userIds = [...new Set(plan)].map((k) => k + 1)

  await prepare(room, run, userIds, `${id}-prep`)

  const tally = new BurstTally(shape.n, servers.length)
  const sampled = sampledIndices(shape.n)
  const base = { id, strategy: strategyId, compare: run.compare, servers: servers.length }
  const figures = (phase: 'start' | 'progress' | 'end', ms: number) => ({
    ...base,
    phase,
    total: shape.n,
    done: tally.done,
    dbQueries: tally.dbQueries,
    inFlight: tally.inFlight,
    peakInFlight: tally.peakInFlight,
    errors: tally.errors,
    stale: tally.stale,
    ms: Math.round(ms * 100) / 100,
  })
  const detail = `${shape.rampMs > 0 ? `ramped over ${shape.rampMs} ms` : 'all at once'} · ${shape.keys === 1 ? 'one key' : `${shape.keys} keys (${shape.distribution})`} · ${
    shape.start === 'expired'
      ? 'key just expired'
      : shape.start === 'expiring'
        ? `key expires ${shape.expireInMs} ms in`
        : 'keys as they were'
  } · ${servers.length} app server${servers.length === 1 ? '' : 's'}`
  room.record(make('burst', 'client', { ...figures('start', 0), detail }))

  const t0 = performance.now()
  const progress = setInterval(() => {
    room.record(make('burst', 'client', { ...figures('progress', performance.now() - t0), tick: tally.takeTick() }))
  }, PROGRESS_EVERY_MS)
  const background: Promise<unknown>[] = []

  const one = async (i: number): Promise<void> => {
    const userId = plan[i]! + 1
    const key = dataKey.user(userId)
    const serverIndex = i % servers.length
    const server = servers[serverIndex]!
    const inFull = sampled.has(i)
    const started = performance.now()
    const read = (scope: Scope) => {
      const ctx: ReadContext = {
        scope,
        key,
        userId,
        server,
        settings,
        load: async () => {
          tally.queryStarted(serverIndex, inFull)
          try {
            return await loadEntry(scope, userId, settings.ttlMs, settings.softTtlMs)
          } finally {
            tally.queryEnded()
          }
        },
        background: (work) => background.push(work().catch(() => {})),
        refreshed: (remainingMs) => tally.refreshed(remainingMs),
        holderDies: run.holderDies,
        random,
        unlocks: run.unlocks,
      }
      return strategy.read(ctx)
    }
    try {
      const result = inFull
        ? await room.request(
            `burst #${i + 1}`,
            run.by,
            async (scope) => {
              const r = await read(scope)
              return {
                ok: true,
                from: r.served === 'db' ? ('db' as const) : ('cache' as const),
                version: r.version,
                served: r.served,
              }
            },
            { key, node: servers.length > 1 ? server.id : undefined },
          )
        : await read(room.quietScope({ req: `${id}-${i}`, node: server.id }))
      const now = performance.now()
      tally.finished(result.served, now - started, now - t0)
    } catch {
      const now = performance.now()
      tally.finished('error', now - started, now - t0)
    }
  }

  try {
    await Promise.all(
      Array.from({ length: shape.n }, (_, i) => {
        const at = startOffset(i, shape.n, shape.rampMs)
        return at <= 0 ? one(i) : new Promise<void>((resolve) => setTimeout(() => void one(i).then(resolve), at))
      }),
    )
    // Background refreshes (soft expiry) count too: the burst ends when they are done.
    for (let seen = 0; seen < background.length;) {
      const batch = background.slice(seen)
      seen = background.length
      await Promise.all(batch)
    }
  } finally {
    clearInterval(progress)
  }
  const ms = performance.now() - t0
  const f = tally.figures()
  room.record(make('burst', 'client', { ...figures('progress', ms), tick: tally.takeTick() }))
  room.record(
    make('burst', 'client', {
      ...figures('end', ms),
      bucketMs: tally.bucketMs,
      buckets: f.buckets,
      perServer: tally.perServer,
      p50: f.p50,
      p95: f.p95,
      p99: f.p99,
      maxMs: f.maxMs,
      latency: f.latency,
      refreshes: tally.refreshes,
      refreshAt: tally.refreshAt,
      sampled: [...sampled].map((i) => `#${i + 1}`),
      sampledQueries: tally.sampledQueries,
    }),
  )
  return {
    id,
    strategy: strategyId,
    total: shape.n,
    servers: servers.length,
    dbQueries: tally.dbQueries,
    perServer: tally.perServer,
    outcomes: { ...tally.outcomes },
    p50: f.p50,
    p95: f.p95,
    p99: f.p99,
    maxMs: f.maxMs,
    stale: tally.stale,
    errors: tally.errors,
    peakInFlight: tally.peakInFlight,
    ms: Math.round(ms * 100) / 100,
    refreshes: tally.refreshes,
  }
}

/**
 * Puts the burst's keys in its starting state. Guard keys (lock, lease, refresh claim) are cleared so one
 * burst's leftovers cannot help or block the next; the values are then removed (just expired), stored to
 * expire `expireInMs` into the burst, or left as they are. The soft strategy's "expired" value is one past
 * its soft expiry and still before its hard one; leases keep a stale copy of the value. The queries made
 * here are not the burst's: they happen before it starts and are recorded in full.
 */
async function prepare(room: Room, run: BurstRun, userIds: number[], req: string): Promise<void> {
  const { shape, settings, strategy } = run
  if (shape.start === 'as-is') return
  const scope = room.scope({ req })
  const keys = userIds.map((id) => dataKey.user(id))
  const guards = keys.flatMap((k) => [guardKey.lock(k), guardKey.lease(k), guardKey.refresh(k)])
  const values =
    strategy === 'leases' || shape.start === 'expired' ? keys.concat(keys.map((k) => guardKey.stale(k))) : []
  await scope.cache.unlink(guards.concat(values))
  const needsRow = shape.start === 'expiring' || strategy === 'soft' || strategy === 'leases'
  if (!needsRow) return
  await Promise.all(
    userIds.map(async (userId) => {
      const key = dataKey.user(userId)
      const loaded = await loadEntry(scope, userId, settings.ttlMs, settings.softTtlMs)
      const now = Date.now()
      let entry: Entry
      if (shape.start === 'expiring') {
        // Stored as if long ago: its full TTL was ttlMs, and expireInMs of it is left.
        const expiresAt = now + shape.expireInMs
        entry =
          strategy === 'soft'
            ? { ...loaded, softUntil: expiresAt, expiresAt: expiresAt + (settings.ttlMs - settings.softTtlMs) }
            : { ...loaded, expiresAt }
      } else {
        // Just expired: for soft expiry, past the soft deadline with the rest of the hard TTL to go.
        entry = { ...loaded, softUntil: now - 1, expiresAt: now + Math.max(1, settings.ttlMs - settings.softTtlMs) }
      }
      if (strategy === 'leases') {
        const staleTtl = Math.max(1, entry.expiresAt - now) + STALE_EXTRA_MS
        await scope.cache.set(guardKey.stale(key), entry, staleTtl)
      }
      if (shape.start === 'expiring' || strategy === 'soft') {
        if (shape.start === 'expiring' && shape.expireInMs <= 0 && strategy !== 'soft') return
        await storeEntry(scope, key, entry)
      }
    }),
  )
}
