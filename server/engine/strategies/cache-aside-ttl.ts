/**
 * Cache-aside with a TTL, the strategy the TTL lab runs.
 *
 * Read: GET the key. On a hit, serve it (the oracle checks its version against the database). On a miss,
 * query the database and SET the row back with the TTL, so the next read is a hit until the TTL runs out.
 * Nothing invalidates the key when the database changes: the TTL alone bounds how long a stale value lives.
 *
 * If Redis fails, the read still answers from the database (the error is on the timeline), and a failed SET
 * only costs the next reader another miss.
 */
import { DATA_CLASSES, type DataClass } from '../../../lib/labs/ttl'
import { dataKey } from '../../../lib/keys'
import type { Outcome, Scope } from '../room'
import type { UserRow } from '../room-db'

/** The TTL for a class of data (adaptive TTL), in the lab's compressed seconds. */
export function ttlSecondsFor(dataClass: DataClass): number {
  return DATA_CLASSES[dataClass].labSeconds
}

/** Seconds to the ms Redis takes with PX; null stays null (no TTL). */
export function ttlMs(seconds: number | null): number | null {
  return seconds === null ? null : Math.round(seconds * 1000)
}

export interface ReadOutcome extends Outcome {
  user?: UserRow
}

export async function readUser(scope: Scope, userId: number, ttl: number | null): Promise<ReadOutcome> {
  const key = dataKey.user(userId)
  let cacheUp = true
  try {
    const cached = await scope.cache.get<UserRow>(key)
    if (cached.hit) {
      scope.checkFreshness(key, cached.value.version)
      return { ok: true, from: 'cache', version: cached.value.version, user: cached.value }
    }
  } catch {
    cacheUp = false // Redis did not answer: fall back to the database below, and do not try to SET.
  }
  const user = await scope.db.getUser(userId)
  if (!user) return { ok: false, from: 'none', error: `no user ${userId}` }
  if (cacheUp) {
    try {
      await scope.cache.set(key, user, ttl)
    } catch {
      // Recorded on the timeline; the next read misses again and retries the SET.
    }
  }
  return { ok: true, from: 'db', version: user.version, user }
}

/** Writes the database only. In this lab nothing tells the cache: the key stays stale until it expires. */
export async function updateUser(scope: Scope, userId: number, name: string): Promise<ReadOutcome> {
  const user = await scope.db.updateUser(userId, name)
  if (!user) return { ok: false, from: 'none', error: `no user ${userId}` }
  return { ok: true, from: 'db', version: user.version, user }
}

/** Ends the key's life now, through Redis's own expiry. */
export async function expireNow(scope: Scope, userId: number): Promise<Outcome & { existed: boolean }> {
  const existed = await scope.cache.expireNow(dataKey.user(userId))
  return { ok: true, from: 'cache', existed }
}
