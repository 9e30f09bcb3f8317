/**
 * Update on write (eager): update the row in the database, then write the new value into the cache with a
 * TTL. The next read hits; every write pays to serialize and store a value, whether or not anyone reads it
 * before it is overwritten or expires.
 *
 * Order matters. DB first (right): the cache only ever receives a committed row; a failed SET after the
 * commit is logged and the old value lives until its TTL. Cache first (wrong): the app has to guess the row
 * it is about to commit and stores that guess; if the database write then fails, the cache serves a version
 * the database never committed, to every reader, until the TTL or the next successful write.
 */
import { dataKey } from '../../../lib/keys'
import type { Scope } from '../room'
import type { UserRow } from '../room-db'
import { renameUser, writePlan, WriteRun, type WriteOrder, type WriteOutcome } from './write-path'

export interface UpdateOnWriteOptions {
  order: WriteOrder
  /** TTL of the stored value in ms (null: none). */
  ttlMs: number | null
}

/**
 * The value a cache-first update stores before the database has the change: the current row as the app
 * expects the write to leave it (new name, next version).
 */
export function expectedRow(current: UserRow, name: string): UserRow {
  return { ...current, name, version: current.version + 1 }
}

export async function updateOnWrite(
  scope: Scope,
  userId: number,
  name: string,
  { order, ttlMs }: UpdateOnWriteOptions,
): Promise<WriteOutcome> {
  const run = new WriteRun(scope, dataKey.user(userId))
  let user: UserRow | undefined
  for (const step of writePlan(order)) {
    if (step === 'db') {
      user = await run.db('db-write', () => renameUser(scope, userId, name))
      if (!user) return run.failed()
    } else if (user) {
      await run.store(user, ttlMs)
    } else {
      // Cache first: nothing is committed yet, so read the row and store what the write is expected to commit.
      const current = await run.db('db-read', () => currentRow(scope, userId))
      if (!current) return run.failed()
      await run.store(expectedRow(current, name), ttlMs)
    }
  }
  return run.done(user!)
}

async function currentRow(scope: Scope, userId: number): Promise<UserRow> {
  const user = await scope.db.getUser(userId)
  if (!user) throw new Error(`no user ${userId}`)
  return user
}
