/**
 * Versioned keys: every key name starts with the cache's current version (`v2:user:1`). Reads and writes
 * build names from that one setting, so moving it to the next version invalidates every cached value at
 * once: the new names are all misses, refilled from the database on first read. The old generation is not
 * touched; it leaves with its TTLs, or, without one, stays until something deletes it.
 *
 * The cached value is a user with their posts, read with one SQL query, and carries the user row's version
 * so the consistency oracle can judge what a read served.
 */
import { dataKey } from '../../../lib/keys'
import { MAX_VERSION } from '../../../lib/labs/key-versioning'
import type { Outcome, Scope } from '../room'

export interface CachedProfile {
  id: number
  name: string
  email: string
  popular: boolean
  version: number
  posts: { id: number; title: string; body: string; likes: number }[]
}

/** Users with their posts, as JSON built by the database (Postgres and PGlite alike). */
const PROFILES_SQL = `SELECT u.id, u.name, u.email, u.popular, u.version,
  COALESCE((SELECT json_agg(json_build_object('id', p.id, 'title', p.title, 'body', p.body, 'likes', p.likes) ORDER BY p.id)
            FROM posts p WHERE p.room = u.room AND p.user_id = u.id), '[]'::json) AS posts
FROM users u WHERE u.room = $1 AND u.id = ANY($2::int[]) ORDER BY u.id`

/** The key of user `id` in generation `version`. */
export function versionedUserKey(version: number, id: number): string {
  return dataKey.versioned(version, dataKey.user(id))
}

/** The version after `version` (pure): bumping is just this, applied to the one setting names are built from. */
export function nextVersion(version: number): number {
  if (version >= MAX_VERSION) throw new Error(`the cache is at its last version (v${MAX_VERSION})`)
  return version + 1
}

export interface VersionedRead extends Outcome {
  profile?: CachedProfile
}

/** Cache-aside read of `v<version>:user:<id>`: a hit is served; a miss reads the database and caches it. */
export async function readVersioned(
  scope: Scope,
  version: number,
  userId: number,
  ttlMs: number | null,
): Promise<VersionedRead> {
  const key = versionedUserKey(version, userId)
  let cacheUp = true
  try {
    const cached = await scope.cache.get<CachedProfile>(key)
    if (cached.hit) {
      scope.checkFreshness(key, cached.value.version)
      return { ok: true, from: 'cache', version: cached.value.version, profile: cached.value }
    }
  } catch {
    cacheUp = false // Redis did not answer: serve from the database, do not try to SET
  }
  const [profile] = await scope.db.select<CachedProfile>(PROFILES_SQL, [[userId]], key)
  if (!profile) return { ok: false, from: 'none', error: `no user ${userId}` }
  if (cacheUp) {
    try {
      await scope.cache.set(key, profile, ttlMs)
    } catch {
      // Recorded on the timeline; the next read misses again.
    }
  }
  return { ok: true, from: 'db', version: profile.version, profile }
}

/** Caches users 1..users under `version`, read with one query, each SET its own command (and event). */
export async function fillGeneration(
  scope: Scope,
  version: number,
  users: number,
  ttlMs: number | null,
): Promise<{ cached: number }> {
  const ids = Array.from({ length: users }, (_, i) => i + 1)
  const profiles = await scope.db.select<CachedProfile>(PROFILES_SQL, [ids], dataKey.versioned(version, 'user:*'))
  await Promise.all(profiles.map((p) => scope.cache.set(versionedUserKey(version, p.id), p, ttlMs)))
  return { cached: profiles.length }
}
