/**
 * Invalidation by tag set, the alternative that needs no scan. Whenever the app caches a key that belongs
 * to a user, it also adds the key's name to that user's tag set `user:<id>:keys` (in the same MULTI, so a
 * key is never cached unregistered). Invalidating everything the user owns is then two round trips however
 * large the keyspace: SMEMBERS to learn the keys, and a Lua script that deletes them and takes them out of
 * the set atomically (server/engine/lua/unlink-tagged.lua).
 *
 * The price: every write path must register its keys, and the tag set must live at least as long as its
 * members (here it gets the same TTL each time a member is added). A key cached without registering is
 * invisible to the invalidation: the SCAN loop would still find it.
 */
import { dataKey } from '../../../lib/keys'
import type { Notification } from '../cache-observer'
import type { Outcome, Scope } from '../room'
import type { UserRow } from '../room-db'
import { execOrThrow } from './user-keys'
import { loadScript, runScript } from './lua-script'

const UNLINK_TAGGED = loadScript('unlink-tagged.lua')

export interface TagOutcome {
  registered: number
  /** Keys deleted, the tag set included when it was emptied. */
  deleted: number
  /** Members left in the tag set (registered after SMEMBERS read it). */
  remaining: number
  roundTrips: number
  ms: number
}

/** Which keys existed and which expected notifications did not happen, from the script's reply (pure). */
export function settleTagged(
  tag: string,
  members: readonly string[],
  reply: readonly number[],
): { deleted: string[]; missed: (readonly [string, Notification])[] } {
  const deleted = members.filter((_, i) => reply[i + 1] === 1)
  const missed: (readonly [string, Notification])[] = members
    .filter((_, i) => reply[i + 1] !== 1)
    .map((m) => [m, 'del'] as const)
  // Redis deletes the tag set itself (a `del` notification) when the script emptied it.
  if ((reply[0] ?? 0) > 0) missed.push([tag, 'del'])
  else deleted.push(tag)
  return { deleted, missed }
}

/** SMEMBERS the user's tag set, then delete the members and unregister them in one atomic script. */
export async function invalidateByTag(scope: Scope, userId: number): Promise<TagOutcome> {
  const started = performance.now()
  const tag = dataKey.userTag(userId)
  const members = await scope.cache.command('SMEMBERS', tag, (redis, full) => redis.smembers(full), {
    detail: (m) => `${m.length} keys registered`,
  })
  if (members.length === 0) return { registered: 0, deleted: 0, remaining: 0, roundTrips: 1, ms: elapsed(started) }
  const reply = await scope.cache.bulk(
    'EVALSHA',
    tag,
    [[tag, ['srem', 'del']], ...members.map((m) => [m, ['del']] as const)],
    (redis, full) => runScript<number[]>(redis, UNLINK_TAGGED, [full(tag), ...members.map(full)], members),
    {
      detail: (r) =>
        `unlink-tagged.lua: ${r.slice(1).filter((x) => x === 1).length} keys unlinked and unregistered atomically`,
      settle: (r) => settleTagged(tag, members, r),
    },
  )
  // The tag set itself is gone too when the script emptied it: count it, as the SCAN loop does.
  const deleted = reply.slice(1).filter((x) => x === 1).length + (reply[0] === 0 ? 1 : 0)
  return { registered: members.length, deleted, remaining: reply[0] ?? 0, roundTrips: 2, ms: elapsed(started) }
}

export interface ProfileOutcome extends Outcome {
  user?: UserRow
}

/**
 * Cache-aside read of `user:<id>:profile` that registers the key in the user's tag set when it caches it:
 * SET with the TTL, SADD to the tag set and PEXPIRE on it, in one MULTI.
 */
export async function readProfile(scope: Scope, userId: number, ttlMs: number): Promise<ProfileOutcome> {
  const key = dataKey.userPart(userId, 'profile')
  const tag = dataKey.userTag(userId)
  let cacheUp = true
  try {
    const cached = await scope.cache.get<UserRow>(key)
    if (cached.hit) {
      scope.checkFreshness(key, cached.value.version)
      return { ok: true, from: 'cache', version: cached.value.version, user: cached.value }
    }
  } catch {
    cacheUp = false
  }
  const user = await scope.db.getUser(userId)
  if (!user) return { ok: false, from: 'none', error: `no user ${userId}` }
  if (cacheUp) {
    try {
      await scope.cache.bulk(
        'MULTI',
        key,
        [
          [key, ['set', 'expire']],
          [tag, ['sadd', 'expire']],
        ],
        async (redis, full) =>
          execOrThrow(
            redis
              .multi()
              .set(full(key), JSON.stringify(user), 'PX', ttlMs)
              .sadd(full(tag), key)
              .pexpire(full(tag), ttlMs),
          ),
        {
          detail: () => `SET ${key} and register it in ${tag}`,
          settle: (replies) => ({
            set: [{ key, ttlMs, version: user.version }],
            ops: replies[1] === 1 ? [{ key: tag, op: 'sadd' }] : [],
            missed: replies[1] === 1 ? [] : [[tag, 'sadd'] as const],
          }),
        },
      )
    } catch {
      // Recorded on the timeline; the next read misses again and retries.
    }
  }
  return { ok: true, from: 'db', version: user.version, user }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100
}
