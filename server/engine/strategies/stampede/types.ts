/**
 * What every stampede strategy gets and gives. A strategy is one read path for one key: given the request's
 * scope and its app server, it answers the read from the cache or the database and says how
 * (`hit`, `waited`, `stale`, `db`). The burst runner (../../labs/stampede-burst.ts) sums those up.
 */
import type { BurstOutcome, StrategyId } from '../../../../lib/labs/stampede-math'
import type { Scope } from '../../room'
import type { Entry } from './entry'
import type { UnlockChannel } from './unlock-channel'

/** One simulated application server: its in-process state (the single-flight table, background refreshes). */
export interface AppServer {
  id: string
  /** Loads in progress on this server, by key: concurrent misses share one (request coalescing). */
  flights: Map<string, Promise<Entry>>
}

/** The strategies' settings, resolved once per burst (see lib/labs/stampede.ts for their defaults). */
export interface StampedeSettings {
  /** Time to live of a cached value (the hard expiry for the soft strategy). */
  ttlMs: number
  /** Soft strategy: how long a value counts as fresh; after that it is served stale until ttlMs. */
  softTtlMs: number
  /** Lock and lease strategies: how long a lock or lease lives if its holder never lets go. */
  lockTtlMs: number
  /** Longest a reader waits for a lock or lease holder before giving up with an error. */
  maxWaitMs: number
  /** XFetch's β. */
  beta: number
  /** Leases: readers denied a lease get the stale value when there is one (else they wait). */
  leaseServesStale: boolean
  /** Lock waiters: poll with jittered backoff, or park until the holder announces the value. */
  lockWait: 'backoff' | 'notify'
}

export interface ReadContext {
  scope: Scope
  key: string
  userId: number
  server: AppServer
  settings: StampedeSettings
  /** Queries the database for the row and times it: every call is one counted database query. */
  load(): Promise<Entry>
  /**
   * Runs a refresh in the background (soft expiry): the request does not wait for it, the burst does (its
   * query is counted, and the burst ends only when it is done).
   */
  background(work: () => Promise<unknown>): void
  /** An early refresh was decided with this much time to expiry (the XFetch plot draws them). */
  refreshed(remainingMs: number): void
  /** True once: the lock or lease winner of this request dies holding it (the "holder dies" fault). */
  holderDies(): boolean
  /** Random in [0, 1): injectable so tests can fix it. */
  random(): number
  /** The room's unlock channel, subscribed, when lock waiters wait on a notification. */
  unlocks?: UnlockChannel
}

export interface ReadResult {
  served: Exclude<BurstOutcome, 'error'>
  version?: number
}

export interface StampedeStrategy {
  id: StrategyId
  read(ctx: ReadContext): Promise<ReadResult>
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

/** Jittered exponential backoff for a waiter's attempt n (0-based): 10, 20, 40 ms … capped at 50, ±50 %. */
export function backoffMs(attempt: number, random: number): number {
  const base = Math.min(50, 10 * 2 ** attempt)
  return base * (0.5 + random)
}
