/** Where the tests find their services. Both are real servers; nothing is mocked. */
import path from 'node:path'

export const ROOT = path.resolve(import.meta.dirname, '../..')

export function redisUrl(): string {
  return process.env.REDIS_URL || 'redis://127.0.0.1:6379'
}

export function postgresUrl(): string {
  return process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
}

/** A room id the key builder accepts (6–32 of [a-z0-9]), random enough never to collide with another run's. */
export function randomRoomId(prefix = 't'): string {
  let id = prefix
  while (id.length < 16) id += Math.random().toString(36).slice(2)
  return id.slice(0, 16)
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Polls `fn` until it returns a truthy value; throws with `what` after `timeoutMs`. */
export async function waitUntil<T>(
  fn: () => T | Promise<T>,
  what: string,
  timeoutMs = 5000,
  everyMs = 20,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (value) return value as NonNullable<T>
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(everyMs)
  }
}
