/**
 * The keyspace of the best-practices lab's TTL comparison, in Redis's own figures: the same cache-aside
 * reads of posts fill two arms side by side, `ttl:post:<id>` stored with a TTL and `nottl:post:<id>` stored
 * without one. Each arm is measured with MEMORY USAGE and PTTL of every post key it could hold (one
 * pipelined round trip, which never touches a key), plus INFO memory's used_memory for the whole server.
 * With a TTL the arm levels off at the keys read within one TTL; without one it holds every key ever read.
 */
import type { Redis } from 'ioredis'
import { dataKey } from '../../../lib/keys'
import type { Outcome, Scope } from '../room'
import { parseUsedMemory, summarize, type KeySample } from './generation-memory'

export const ARMS = ['ttl', 'nottl'] as const
export type Arm = (typeof ARMS)[number]

export interface ArmFigures {
  keys: number
  bytes: number
  noTtl: number
}

export interface PostRow {
  id: number
  user_id: number
  title: string
  version: number
}

/** Cache-aside read of one post in one arm: GET, or SELECT and SET with the arm's TTL (none for `nottl`). */
export async function readArmPost(scope: Scope, arm: Arm, postId: number, ttlMs: number): Promise<Outcome> {
  const key = dataKey.armPost(arm, postId)
  try {
    const cached = await scope.cache.get<PostRow>(key)
    if (cached.hit) return { ok: true, from: 'cache', version: cached.value.version }
  } catch {
    // Redis down: the database answers below.
  }
  const rows = await scope.db.select<PostRow>(
    'SELECT id, user_id, title, version FROM posts WHERE room = $1 AND id = $2',
    [postId],
    key,
  )
  const post = rows[0]
  if (!post) return { ok: false, from: 'none', error: `no post ${postId}` }
  try {
    await scope.cache.set(key, post, arm === 'ttl' ? ttlMs : null)
  } catch {
    // On the timeline; the next read retries.
  }
  return { ok: true, from: 'db', version: post.version }
}

/** Measures both arms over post ids 1..posts, and the server's used_memory. */
export async function measureArms(
  redis: Redis,
  full: (key: string) => string,
  posts: number,
): Promise<{ arms: Record<Arm, ArmFigures>; usedMemory: number | null }> {
  const pipeline = redis.pipeline()
  for (const arm of ARMS) {
    for (let id = 1; id <= posts; id++) {
      const key = full(dataKey.armPost(arm, id))
      pipeline.memory('USAGE', key, 'SAMPLES', '0')
      pipeline.pttl(key)
    }
  }
  pipeline.info('memory')
  const replies = (await pipeline.exec()) ?? []
  const failed = replies.find(([err]) => err)
  if (failed) throw failed[0]
  const values = replies.map(([, v]) => v)
  const figures = ARMS.map((_, a) => {
    const samples: KeySample[] = []
    for (let i = 0; i < posts; i++) {
      const at = (a * posts + i) * 2
      samples.push({ bytes: values[at] as number | null, pttl: values[at + 1] as number })
    }
    const { keys, bytes, noTtl } = summarize(0, samples)
    return { keys, bytes, noTtl }
  })
  return { arms: { ttl: figures[0]!, nottl: figures[1]! }, usedMemory: parseUsedMemory(String(values.at(-1) ?? '')) }
}
