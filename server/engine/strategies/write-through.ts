/**
 * Write-through: every write updates the database and then the cache, in the same request, so the cache
 * holds the latest committed value and a read right after a write hits.
 *
 * The cached value here is what a profile page needs: the user's row and the titles of their posts, under
 * `user:<id>:profile`. That is where write-through's cost shows: a rename changes only the row, but to keep
 * the cache fresh the write has to rebuild the whole value (query the posts too) and store it, on every
 * write, read or not. Delete on write leaves that work to the next reader.
 *
 * If the cache write fails after the commit, the request still succeeds (the data is saved), the error is
 * logged and counted, and the old value stays in Redis until its TTL ends it or the next write replaces it.
 */
import { dataKey } from '../../../lib/keys'
import type { Outcome, Scope } from '../room'
import type { UserRow } from '../room-db'
import { renameUser, WriteRun, type WriteOutcome } from './write-path'

export interface PostTitle {
  id: number
  title: string
}

/** The cached profile: the user's row (its version is the profile's) and their posts. */
export interface Profile extends UserRow {
  posts: PostTitle[]
}

export interface ProfileOutcome extends Outcome {
  profile?: Profile
}

/** Builds the value reads need from what the database returned. */
export function buildProfile(user: UserRow, posts: readonly PostTitle[]): Profile {
  return { ...user, posts: posts.map(({ id, title }) => ({ id, title })) }
}

/**
 * What the write does to the cache after the commit: store the new value when it could be built; when it
 * could not (the posts query failed), delete the key rather than leave the old value looking current.
 */
export function cacheStepAfterCommit(valueBuilt: boolean): 'set' | 'del' {
  return valueBuilt ? 'set' : 'del'
}

/** Cache-aside read of a profile: GET; on a miss load the row and the posts, and SET the profile with the TTL. */
export async function readProfile(scope: Scope, userId: number, ttlMs: number | null): Promise<ProfileOutcome> {
  const key = dataKey.profile(userId)
  let cacheUp = true
  try {
    const cached = await scope.cache.get<Profile>(key)
    if (cached.hit) {
      scope.checkFreshness(key, cached.value.version)
      return { ok: true, from: 'cache', version: cached.value.version, profile: cached.value }
    }
  } catch {
    cacheUp = false // Redis did not answer: serve from the database and do not try to SET.
  }
  const user = await scope.db.getUser(userId)
  if (!user) return { ok: false, from: 'none', error: `no user ${userId}` }
  const profile = buildProfile(user, await loadPosts(scope, userId))
  if (cacheUp) {
    try {
      await scope.cache.set(key, profile, ttlMs)
    } catch {
      // On the timeline; the next read misses again and retries.
    }
  }
  return { ok: true, from: 'db', version: profile.version, profile }
}

/** The write-through write: commit the rename, rebuild the profile, store it with the TTL. */
export async function writeThrough(scope: Scope, userId: number, name: string, ttlMs: number | null): Promise<WriteOutcome> {
  const run = new WriteRun(scope, dataKey.profile(userId))
  const user = await run.db('db-write', () => renameUser(scope, userId, name))
  if (!user) return run.failed()
  const posts = await run.db('posts-read', () => loadPosts(scope, userId))
  if (cacheStepAfterCommit(posts !== undefined) === 'set') await run.store(buildProfile(user, posts!), ttlMs)
  else await run.invalidate()
  return run.done(user)
}

async function loadPosts(scope: Scope, userId: number): Promise<PostTitle[]> {
  // Posts carry no version here: the profile's version is the user row's.
  return scope.db.select<PostTitle & { version?: undefined }>(
    'SELECT id, title FROM posts WHERE room = $1 AND user_id = $2 ORDER BY id',
    [userId],
    dataKey.profile(userId),
  )
}
