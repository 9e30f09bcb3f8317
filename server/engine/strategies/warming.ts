/**
 * Cache warming: put the keys readers are about to ask for into the cache before they ask.
 *
 * Read: plain cache-aside over `user:<id>` and `post:<id>`: a hit is served, a miss reads the row and caches
 * it with the TTL. A cold cache makes every first read of a key a miss and a database query.
 *
 * Warm: before the load starts, read the popular users and the trending posts (the most liked right now)
 * with one query each, and SET them all in one pipeline: one round trip to Redis for the lot.
 *
 * Refresh: the scheduled job. It asks the database what is trending now and SETs those posts again with a
 * fresh TTL, so hot keys never go cold and a post that has just started trending gets cached before its
 * readers arrive. Between two runs a cached post can be as old as the interval: the interval bounds the
 * staleness, and the TTL must outlast the interval or the keys expire between runs.
 */
import { dataKey } from '../../../lib/keys'
import type { Notification } from '../cache-observer'
import type { Outcome, Scope } from '../room'

export interface CachedUser {
  id: number
  name: string
  email: string
  popular: boolean
  version: number
}

export interface CachedPost {
  id: number
  user_id: number
  title: string
  likes: number
  version: number
}

/** The engine's oracle, told of every row version read from the database (so stale reads are judged). */
export type Observe = (entity: string, version: number) => void

const USER_SQL = 'SELECT id, name, email, popular, version FROM users WHERE room = $1 AND id = $2'
const POST_SQL = 'SELECT id, user_id, title, likes, version FROM posts WHERE room = $1 AND id = $2'
/** Popular users: a column of the users table (the seed marks users 1–10). */
export const POPULAR_USERS_SQL = 'SELECT id, name, email, popular, version FROM users WHERE room = $1 AND popular ORDER BY id'
/** Trending posts: the most liked right now. */
export const TRENDING_SQL =
  'SELECT id, user_id, title, likes, version FROM posts WHERE room = $1 ORDER BY likes DESC, id LIMIT $2'
const BOOST_SQL = `UPDATE posts SET likes = likes + $3, version = version + 1, updated_at = now()
  WHERE room = $1 AND id = $2 RETURNING id, user_id, title, likes, version`
/** Enough likes to top the list: the most liked post's count plus $3. */
const BOOST_TO_TOP_SQL = `UPDATE posts SET likes = (SELECT max(p.likes) FROM posts p WHERE p.room = $1) + $3,
  version = version + 1, updated_at = now()
  WHERE room = $1 AND id = $2 RETURNING id, user_id, title, likes, version`
/** Likes a boost to the top adds over the most liked post's count. */
export const TOP_MARGIN = 100

export function keyOf(entity: 'user' | 'post', id: number): string {
  return entity === 'user' ? dataKey.user(id) : dataKey.post(id)
}

export interface WarmRead extends Outcome {
  value?: CachedUser | CachedPost
}

/** Cache-aside read of one user or post. */
export async function readCached(
  scope: Scope,
  entity: 'user' | 'post',
  id: number,
  ttlMs: number,
  observe: Observe,
): Promise<WarmRead> {
  const key = keyOf(entity, id)
  let cacheUp = true
  try {
    const cached = await scope.cache.get<CachedUser | CachedPost>(key)
    if (cached.hit) {
      scope.checkFreshness(key, cached.value.version)
      return { ok: true, from: 'cache', version: cached.value.version, value: cached.value }
    }
  } catch {
    cacheUp = false // Redis did not answer: serve from the database, do not try to SET
  }
  const [row] = await scope.db.select<CachedUser | CachedPost>(entity === 'user' ? USER_SQL : POST_SQL, [id], key)
  if (!row) return { ok: false, from: 'none', error: `no ${entity} ${id}` }
  observe(key, row.version)
  if (cacheUp) {
    try {
      await scope.cache.set(key, row, ttlMs)
    } catch {
      // Recorded on the timeline; the next read misses again.
    }
  }
  return { ok: true, from: 'db', version: row.version, value: row }
}

export interface Warmed {
  users: number[]
  posts: number[]
  keys: number
}

/** Startup warming: the popular users and the top `topPosts` posts, two queries and one pipeline of SETs. */
export async function warmTop(scope: Scope, topPosts: number, ttlMs: number, observe: Observe): Promise<Warmed> {
  const users = await scope.db.select<CachedUser>(POPULAR_USERS_SQL, [], 'user:*')
  const posts = await scope.db.select<CachedPost>(TRENDING_SQL, [topPosts], 'post:*')
  const entries = [
    ...users.map((u) => [dataKey.user(u.id), u] as const),
    ...posts.map((p) => [dataKey.post(p.id), p] as const),
  ]
  for (const [key, row] of entries) observe(key, row.version)
  await setMany(scope, entries, ttlMs, `${users.length} popular users + ${posts.length} trending posts`)
  return { users: users.map((u) => u.id), posts: posts.map((p) => p.id), keys: entries.length }
}

/** The scheduled refresh: what is trending now, SET again with a fresh TTL. Returns the post ids, in order. */
export async function refreshTrending(scope: Scope, topPosts: number, ttlMs: number, observe: Observe): Promise<CachedPost[]> {
  const posts = await scope.db.select<CachedPost>(TRENDING_SQL, [topPosts], 'post:*')
  const entries = posts.map((p) => [dataKey.post(p.id), p] as const)
  for (const [key, row] of entries) observe(key, row.version)
  await setMany(scope, entries, ttlMs, `${posts.length} trending posts`)
  return posts
}

/** SETs every entry with the TTL in one pipeline (one round trip), each recorded as its own `set` event. */
async function setMany(
  scope: Scope,
  entries: readonly (readonly [string, { version: number }])[],
  ttlMs: number,
  detail: string,
): Promise<void> {
  if (entries.length === 0) return
  const notifies: readonly Notification[] = ['set', 'expire']
  await scope.cache.bulk(
    'PIPELINE SET PX',
    'warm:*',
    entries.map(([key]) => [key, notifies] as const),
    async (redis, full) => {
      const pipeline = redis.pipeline()
      for (const [key, row] of entries) pipeline.set(full(key), JSON.stringify(row), 'PX', ttlMs)
      const results = (await pipeline.exec()) ?? []
      const failed = results.find(([err]) => err)
      if (failed) throw failed[0]
      return results.length
    },
    {
      detail: () => `${entries.length} SETs in one round trip: ${detail}`,
      settle: () => ({ set: entries.map(([key, row]) => ({ key, ttlMs, version: row.version })) }),
    },
  )
}

/**
 * Adds likes to a post in the database (its version goes up): what readers do that changes what trends.
 * Without a number, gives it enough to top the list. The cache is not told.
 */
export async function boostPost(scope: Scope, postId: number, likes?: number): Promise<CachedPost | undefined> {
  const [post] =
    likes === undefined
      ? await scope.db.write<CachedPost>(BOOST_TO_TOP_SQL, [postId, TOP_MARGIN], dataKey.post(postId))
      : await scope.db.write<CachedPost>(BOOST_SQL, [postId, likes], dataKey.post(postId))
  return post
}

/** Which post ids entered and left the trending list between two refreshes (pure). */
export function trendingChange(before: readonly number[], after: readonly number[]): { added: number[]; dropped: number[] } {
  const was = new Set(before)
  const now = new Set(after)
  return { added: after.filter((id) => !was.has(id)), dropped: before.filter((id) => !now.has(id)) }
}

/** Hits over reads, or null when there were no reads (pure). */
export function hitRatio(hits: number, reads: number): number | null {
  return reads === 0 ? null : hits / reads
}
