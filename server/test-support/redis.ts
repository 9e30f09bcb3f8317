/**
 * Real Redis for tests. Every test works in its own random room (`lab:<random>:`), whose metadata key exists
 * for as long as the test runs: an app starting in a parallel test process sweeps `lab:*` keys of rooms
 * without metadata, and must not take ours. Each factory registers its own cleanup; nothing is flushed.
 */
import { Redis, type RedisOptions } from 'ioredis'
import { afterAll, beforeAll, onTestFinished } from 'vitest'
import { roomKeys } from '../../lib/keys'
import { randomRoomId, redisUrl } from './env'

export function connectRedis(name: string, opts: RedisOptions = {}): Redis {
  return new Redis(redisUrl(), { connectionName: `cachelab-test:${name}`, ...opts })
}

/** Connections opened before the file's tests and closed after them. */
export function useRedis<N extends string>(...names: N[]): Record<N, Redis> {
  const clients = {} as Record<N, Redis>
  beforeAll(async () => {
    for (const name of names) clients[name] = connectRedis(name, { lazyConnect: true })
    await Promise.all(names.map((n) => clients[n].connect()))
  })
  afterAll(async () => {
    await Promise.allSettled(names.map((n) => clients[n].quit()))
  })
  return clients
}

/** UNLINKs every key of a room (SCAN, never KEYS). */
export async function removeRoomKeys(redis: Redis, room: string): Promise<number> {
  let removed = 0
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', roomKeys(room).pattern, 'COUNT', 1000)
    cursor = next
    if (keys.length > 0) removed += await redis.unlink(...keys)
  } while (cursor !== '0')
  return removed
}

/**
 * A fresh room id whose metadata key exists, so nobody sweeps its keys; its keys are removed when the current
 * test finishes (or, outside a test, by the returned release function).
 */
export async function claimRoom(
  redis: Redis,
  opts: { inTest?: boolean } = {},
): Promise<{ id: string; release(): Promise<void> }> {
  const id = randomRoomId()
  await redis.hset(roomKeys(id).meta, 'created', Date.now(), 'test', '1')
  await redis.pexpire(roomKeys(id).meta, 10 * 60_000)
  const release = async () => void (await removeRoomKeys(redis, id))
  if (opts.inTest !== false) onTestFinished(release)
  return { id, release }
}

/** Every key matching `pattern`: the whole SCAN loop (one call covers only part of a large keyspace). */
export async function scanAll(redis: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = []
  let cursor = '0'
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 10_000)
    keys.push(...batch)
    cursor = next
  } while (cursor !== '0')
  return keys
}
