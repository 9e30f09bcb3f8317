/**
 * The key inspector's view of a room: each key Redis holds for it (value, version, remaining TTL, read from
 * Redis now) beside the version the database holds, and since when the cached copy has been stale. The keys
 * come from the room's events (every set, whoever made it), so the inspector never SCANs the keyspace.
 */
import type { Redis } from 'ioredis'
import { entityKey, entityOf } from '../../lib/keys'
import { LIMITS } from '../../lib/limits'
import type { InspectedKey, InspectResult } from '../../lib/protocol'
import type { Database } from '../db/database'
import { isRedisOutage } from '../redis/outage'
import { versionOf } from './cache-observer'
import { errors } from './errors'
import type { Room } from './room'

/**
 * `alsoKeys`: keys to list even when Redis has no value for them (held only in app servers' L1 caches), so
 * the inspector can show their database truth beside those copies.
 */
export async function inspectRoom(room: Room, redis: Redis, db: Database, alsoKeys: readonly string[] = []): Promise<InspectResult> {
  const known = [...new Set([...room.knownKeys, ...alsoKeys])].sort(byNaturalOrder)
  const also = new Set(alsoKeys)
  const listed = known.slice(0, LIMITS.inspectorKeys)
  const pipeline = redis.pipeline()
  for (const key of listed) {
    const full = room.keys.full(key)
    pipeline.type(full)
    pipeline.get(full)
    pipeline.pttl(full)
  }
  // The inspector reads Redis now, so without Redis it has no answer: it says so, instead of an empty list
  // that would read as "the cache is empty" (and it forgets no key meanwhile).
  if (listed.length === 0) await redis.ping().catch(unreachable) // "no keys" only from a Redis that answers
  const replies = listed.length > 0 ? ((await pipeline.exec().catch(unreachable)) ?? []) : []
  const failed = replies.find(([err]) => err && isRedisOutage(err))
  if (failed) unreachable(failed[0])
  const keys: InspectedKey[] = []
  listed.forEach((key, i) => {
    const type = replies[i * 3]?.[1] as string | undefined
    if (!type || type === 'none') {
      room.knownKeys.delete(key)
      if (also.has(key)) keys.push({ key, type: 'none', value: null, version: null, ttlMs: null, dbVersion: null, staleSince: null })
      return
    }
    // GET on a non-string key is a WRONGTYPE error: the value stays null.
    const value = (replies[i * 3 + 1]?.[0] ? null : (replies[i * 3 + 1]?.[1] as string | null)) ?? null
    const pttl = replies[i * 3 + 2]?.[1] as number
    keys.push({
      key,
      type,
      value,
      version: value === null ? null : (versionOf(value) ?? null),
      ttlMs: pttl >= 0 ? pttl : null,
      dbVersion: null,
      staleSince: null,
    })
  })
  await addTruth(room, db, keys)
  return { at: Date.now(), keys, truncated: known.length > listed.length }
}

function unreachable(cause: unknown): never {
  throw isRedisOutage(cause) ? errors.redisUnreachable('the key inspector', cause) : cause
}

/** The database's version of each user a key caches, read directly: this is the oracle looking, not the app. */
async function addTruth(room: Room, db: Database, keys: InspectedKey[]): Promise<void> {
  const userIds = keys.flatMap((k) => {
    const e = entityOf(k.key)
    return e?.table === 'users' ? [Number(e.id)] : []
  })
  if (userIds.length === 0) return
  // A database that fails is a known outage: its clear 503, not an unexpected error.
  const { rows } = await db
    .query<{ id: number; version: number; updated_at: Date | string }>(
      'SELECT id, version, updated_at FROM users WHERE room = $1 AND id = ANY($2::int[])',
      [room.id, userIds],
    )
    .catch((err: unknown) => {
      throw errors.dbUnavailable(err)
    })
  const byId = new Map(rows.map((r) => [r.id, r]))
  for (const k of keys) {
    const e = entityOf(k.key)
    if (e?.table !== 'users') continue
    const row = byId.get(Number(e.id))
    if (!row) continue
    k.dbVersion = row.version
    if (k.version !== null && k.version < row.version) {
      k.staleSince = room.oracle.staleSince(entityKey(k.key), k.version) ?? new Date(row.updated_at).getTime()
    }
  }
}

function byNaturalOrder(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true })
}
