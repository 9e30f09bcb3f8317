/**
 * The read path of an app server with an in-process cache: L1 first, then the shared Redis cache (L2), then
 * the database; whatever comes from further away is kept nearer on the way back. The L1 copy is what goes
 * stale when another server writes and the news does not arrive.
 */
import { dataKey } from '../../../lib/keys'
import type { AppServer } from '../app-servers/app-server'
import type { Scope } from '../room'
import type { UserRow } from '../room-db'
import { readUser, type ReadOutcome } from './cache-aside-ttl'

export async function readTwoTier(
  server: AppServer<UserRow>,
  scope: Scope,
  userId: number,
  l2TtlMs: number,
): Promise<ReadOutcome> {
  const key = dataKey.user(userId)
  const local = server.l1Get(key, scope.req)
  if (local) {
    scope.checkFreshness(key, local.version)
    return { ok: true, from: 'l1', version: local.version, user: local }
  }
  const outcome = await readUser(scope, userId, l2TtlMs)
  if (outcome.user) server.l1Set(key, outcome.user, scope.req)
  return outcome
}
