/**
 * A read that survives a cache outage: cache-aside with a TTL, where a Redis that fails or does not answer
 * is treated as a miss that must not be filled. The read goes to the database instead, and the request
 * answers; the cache error is on the timeline and in the room's error count. A database that fails is the
 * one thing a read cannot survive on a miss: it answers with the error rather than throwing, so a load of
 * such reads keeps running and each failure is counted.
 *
 * The client settings do the rest: the app servers' Redis clients have no offline queue and no retries per
 * request, and give up on a silent socket after 200 ms, so "Redis down" costs a read at most that long.
 */
import { dataKey } from '../../../lib/keys'
import type { Outcome, Scope } from '../room'
import type { UserRow } from '../room-db'

/** What the cache said to a read: a value, nothing, or no answer at all. */
export type CacheAnswer = 'hit' | 'miss' | 'down'

export interface FallbackReadOutcome extends Outcome {
  user?: UserRow
  cache: CacheAnswer
}

/**
 * Whether a read that went to the database should store what it found. Never when the cache did not
 * answer: a SET on a failing connection only adds a second error (and a second timeout when it is frozen).
 */
export function shouldFill(answer: CacheAnswer): boolean {
  return answer === 'miss'
}

export async function readWithFallback(
  scope: Scope,
  userId: number,
  ttlMs: number | null,
): Promise<FallbackReadOutcome> {
  const key = dataKey.user(userId)
  let answer: CacheAnswer = 'miss'
  try {
    const cached = await scope.cache.get<UserRow>(key)
    if (cached.hit) {
      scope.checkFreshness(key, cached.value.version)
      return { ok: true, from: 'cache', version: cached.value.version, user: cached.value, cache: 'hit' }
    }
  } catch {
    answer = 'down'
  }
  let user: UserRow | undefined
  try {
    user = await scope.db.getUser(userId)
  } catch (err) {
    return { ok: false, from: 'none', error: (err as Error).message, cache: answer }
  }
  if (!user) return { ok: false, from: 'none', error: `no user ${userId}`, cache: answer }
  if (shouldFill(answer)) {
    try {
      await scope.cache.set(key, user, ttlMs)
    } catch {
      // On the timeline; the next read misses again and retries the SET.
    }
  }
  return { ok: true, from: 'db', version: user.version, user, cache: answer }
}
