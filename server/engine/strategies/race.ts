/**
 * The cache-aside race, and what each strategy the races lab compares must provide.
 *
 * A reader looks in the cache; on a miss it reads the row from the database and fills the cache with it. A
 * writer updates the row, then invalidates the key. The race: reader A reads version 1, writer B commits
 * version 2 and deletes the key, and only then does A's fill of version 1 land. Nothing deletes it again, so
 * every reader gets version 1 until the TTL ends it. Each strategy file implements the three cache
 * operations below in its own way; the database side is the same for all of them.
 */
import type { RaceStrategyId } from '../../../lib/labs/races-model'
import { dataKey } from '../../../lib/keys'
import type { Outcome, Scope } from '../room'
import type { UserRow } from '../room-db'

/** What a reader found in the cache. On a miss a strategy may hand out a lease, or deny one. */
export type Lookup = { hit: true; row: UserRow } | { hit: false; lease?: string; denied?: boolean }

/** What became of a fill: stored, or stopped by the strategy (and why, in a few words). */
export type Fill = { stored: true } | { stored: false; reason: string }

/** What a writer's invalidation did to the key. */
export interface Invalidation {
  deleted: boolean
  /** Versioned: the version the tombstone carries. Leases: whether a lease was revoked. */
  tombstone?: number
  revokedLease?: boolean
}

export interface RaceOptions {
  /** TTL of filled values, and of the tombstones the versioned strategy leaves. */
  ttlMs: number
}

export interface RaceStrategy {
  id: RaceStrategyId
  lookup(scope: Scope, key: string, opts: RaceOptions): Promise<Lookup>
  fill(scope: Scope, key: string, row: UserRow, opts: RaceOptions, lease?: string): Promise<Fill>
  invalidate(scope: Scope, key: string, version: number, opts: RaceOptions): Promise<Invalidation>
}

/**
 * A change to what the cache or the database holds for a key, as the randomised mode measures them: the
 * database's version seen (a commit, or a read), or the cache now holding a version (a fill, with its TTL) or
 * nothing (a writer's delete of the version it committed: `invalidates`); and a version the cache served to a
 * reader, stale or not.
 */
export type Change =
  | { key: string; at: number; seq: number; kind: 'db'; version: number }
  | { key: string; at: number; seq: number; kind: 'served'; version: number; stale: boolean }
  | { key: string; at: number; seq: number; kind: 'cache'; version: number; ttlMs: number }
  | { key: string; at: number; seq: number; kind: 'cache'; version: null; invalidates: number }

let changeSeq = 0
type Unstamped<C> = C extends Change ? Omit<C, 'at' | 'seq'> : never
/** Stamps a change with the time and the order in which the engine saw it complete. */
export function stamp(change: Unstamped<Change>): Change {
  return { ...change, at: Date.now(), seq: ++changeSeq } as Change
}

export interface ReadThrough extends Outcome {
  /** The oracle found the value served older than the database's, for this long (ms). */
  stale: boolean
  staleForMs?: number
  /** On a miss: what became of the fill (absent when the reader did not fill: no row, or lease denied). */
  fill?: Fill
  /** The reader was told to wait for another's lease and served the database's row without filling. */
  denied?: boolean
}

/**
 * A whole cache-aside read through a strategy: look, and on a miss read the database and fill. C's read in
 * the interleaving and every reader of the randomised mode. `pauseMs` delays the fill after the query (the
 * randomised mode's stand-in for a GC pause or a slow reply); `observe` hears each change as it completes.
 */
export async function readThrough(
  scope: Scope,
  strategy: RaceStrategy,
  userId: number,
  opts: RaceOptions & { pauseMs?: number; observe?: (change: Change) => void },
): Promise<ReadThrough> {
  const key = dataKey.user(userId)
  const found = await strategy.lookup(scope, key, opts)
  if (found.hit) {
    const verdict = scope.checkFreshness(key, found.row.version)
    const staleForMs = verdict.stale ? verdict.staleForMs : undefined
    opts.observe?.(stamp({ key, kind: 'served', version: found.row.version, stale: verdict.stale }))
    return { ok: true, from: 'cache', version: found.row.version, stale: verdict.stale, staleForMs }
  }
  const row = await scope.db.getUser(userId)
  if (!row) return { ok: false, from: 'none', error: `no user ${userId}`, stale: false }
  opts.observe?.(stamp({ key, kind: 'db', version: row.version }))
  if (found.denied) return { ok: true, from: 'db', version: row.version, stale: false, denied: true }
  if (opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs))
  const fill = await strategy.fill(scope, key, row, opts, found.lease)
  if (fill.stored) opts.observe?.(stamp({ key, kind: 'cache', version: row.version, ttlMs: opts.ttlMs }))
  return { ok: true, from: 'db', version: row.version, stale: false, fill }
}

/** The writer's database side, the same for every strategy: update the row, its version goes up by one. */
export async function writeRow(scope: Scope, userId: number, name: string): Promise<UserRow> {
  const row = await scope.db.updateUser(userId, name)
  if (!row) throw new Error(`no user ${userId}`)
  return row
}
