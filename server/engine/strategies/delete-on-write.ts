/**
 * Delete on write (lazy invalidation): update the row in the database, then delete the cached key. The
 * write stores nothing in the cache; the next read misses, loads the new row and caches it with its TTL, so
 * the cost of refreshing the cache falls on the next reader (and only if there is one).
 *
 * Order matters. DB first (right): a failed database write leaves the cache untouched, and a failed delete
 * after the commit is logged and left to the TTL. Cache first (wrong): the delete happens even if the write
 * then fails (a needless miss), and on success a reader can refill the old row between the delete and the
 * commit, leaving it cached until the TTL.
 */
import { dataKey } from '../../../lib/keys'
import type { Scope } from '../room'
import type { UserRow } from '../room-db'
import { renameUser, writePlan, WriteRun, type WriteOrder, type WriteOutcome } from './write-path'

export interface DeleteOnWriteOptions {
  order: WriteOrder
  /** The key that caches the user (default `user:<id>`; the write-through lab caches a profile). */
  key?: string
}

export async function deleteOnWrite(
  scope: Scope,
  userId: number,
  name: string,
  { order, key = dataKey.user(userId) }: DeleteOnWriteOptions,
): Promise<WriteOutcome> {
  const run = new WriteRun(scope, key)
  let user: UserRow | undefined
  for (const step of writePlan(order)) {
    if (step === 'cache') {
      await run.invalidate()
    } else {
      user = await run.db('db-write', () => renameUser(scope, userId, name))
      if (!user) return run.failed()
    }
  }
  return run.done(user!)
}
