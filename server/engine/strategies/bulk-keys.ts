/**
 * Other applications' keys: plain keys outside every room, standing for the rest of a production Redis.
 * KEYS walks every key in the database whatever its pattern, so these are what make it slow; SCAN walks
 * them too, a few at a time. They carry a TTL (5 minutes), so they leave on their own, and a room removes
 * its own when it is reset or cleaned up. One room adds them at a time, and never past the lab's ceiling
 * on the database's size.
 */
import type { Redis } from 'ioredis'
import { scratchKey } from '../../../lib/keys'

const BATCH = 5000
let busy = false

export type BulkPlan = { ok: true; add: number } | { ok: false; reason: string }

/** How many bulk keys to add so the database holds at most `ceiling` keys (pure). */
export function bulkPlan(dbsize: number, wanted: number, ceiling: number): BulkPlan {
  const room = ceiling - dbsize
  if (room < wanted) {
    return {
      ok: false,
      reason: `this Redis already holds ${dbsize.toLocaleString('en')} keys; ${wanted.toLocaleString('en')} more would pass the lab's ceiling of ${ceiling.toLocaleString('en')}`,
    }
  }
  return { ok: true, add: wanted }
}

/** SETs keys 0..n-1 of the room's bulk, pipelined; false (nothing added) if another room is adding right now. */
export async function addBulk(redis: Redis, room: string, n: number, ttlSeconds: number): Promise<boolean> {
  if (busy) return false
  busy = true
  try {
    for (let i = 0; i < n; i += BATCH) {
      const pipeline = redis.pipeline()
      for (let j = i; j < Math.min(n, i + BATCH); j++) pipeline.set(scratchKey.bulk(room, j), 'x', 'EX', ttlSeconds)
      await pipeline.exec()
    }
    return true
  } finally {
    busy = false
  }
}

/** Deletes the room's bulk keys 0..n-1; returns how many were still there. */
export async function removeBulk(redis: Redis, room: string, n: number): Promise<number> {
  let removed = 0
  for (let i = 0; i < n; i += BATCH) {
    const keys: string[] = []
    for (let j = i; j < Math.min(n, i + BATCH); j++) keys.push(scratchKey.bulk(room, j))
    removed += await redis.unlink(...keys)
  }
  return removed
}
