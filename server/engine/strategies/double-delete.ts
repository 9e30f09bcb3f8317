/**
 * Delayed double delete: the writer deletes the key after its database write, waits, and deletes it again,
 * to remove a stale row a slow reader may have put back in between. Reads and fills are naive cache-aside.
 *
 * It narrows the race rather than closing it: a stale fill that lands after the second delete survives until
 * the TTL. The delay must outlast the slowest reader's query-to-fill time, and every write pays for a second
 * delete (and the cache misses once more after it).
 */
import type { Scope } from '../room'
import { deleteKey, fillPlain, lookupPlain } from './race-naive'
import type { Invalidation, RaceStrategy } from './race'

/**
 * Whether the second delete removes a stale fill: it must come after the fill. Both are measured from the
 * first delete; at the same instant the fill is taken to win (the second delete finds nothing yet).
 */
export function secondDeleteCatches(delayMs: number, fillLagMs: number): boolean {
  return delayMs > fillLagMs
}

/** When the second delete is due, for a first delete at `firstAt` (ms since the epoch). */
export function secondDeleteAt(firstAt: number, delayMs: number): number {
  return firstAt + delayMs
}

/** The second DEL, a delay after the first. */
export async function deleteAgain(scope: Scope, key: string): Promise<Invalidation> {
  return deleteKey(scope, key)
}

/** The first delete; the engine schedules the second one `delayMs` later (deleteAgain). */
export const doubleDelete: RaceStrategy = {
  id: 'double-delete',
  lookup: (scope, key) => lookupPlain(scope, key),
  fill: (scope, key, row, opts) => fillPlain(scope, key, row, opts),
  invalidate: (scope, key) => deleteKey(scope, key),
}
