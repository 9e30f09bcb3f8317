/**
 * The app's Redis connections: one for commands (auto-pipelined, fail-fast so a read can fall back to the
 * database instead of waiting in an offline queue), one for SUBSCRIBE/PSUBSCRIBE (a subscribed connection
 * can do nothing else), and later one for blocking stream reads.
 */
import { Redis, type RedisOptions } from 'ioredis'
import { logger } from '../log'

const log = logger('redis')

/** Reconnect quickly at first, then every second at most, forever: a Redis that is back is used within a second. */
const retryStrategy = (times: number) => Math.min(50 * 2 ** Math.min(times, 6), 1000)

/**
 * Options for clients on a request path. Without these, ioredis queues commands while Redis is down and a
 * GET can wait more than a minute before failing; with them it rejects at once and the caller falls back.
 * A Redis that stops answering (frozen, or a dead link) is caught by socketTimeout: one timer per socket,
 * reset whenever data arrives while commands wait, where commandTimeout would arm and clear a timer for
 * every command (measured: 1-3 µs on every cache hit).
 */
export const FAIL_FAST: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  socketTimeout: 2000,
  connectTimeout: 2000,
  retryStrategy,
}

/**
 * One more connection to the app's Redis, for a room's own use (an app server's commands, its subscriber,
 * its blocking stream reads). Command clients are fail-fast and auto-pipelined; a subscriber or a blocking
 * reader keeps ioredis's queue (its commands wait for the connection) and has no socket timeout (a blocking
 * read is silent on purpose). Subscribers speak RESP2: client-side caching's invalidations redirected to a
 * RESP3 connection arrive as pushes ioredis 6 does not surface, while on RESP2 they are ordinary messages
 * on `__redis__:invalidate` (checked against Redis 7.0 here).
 */
export function createClient(
  url: string,
  name: string,
  kind: 'command' | 'subscriber' | 'blocking',
  overrides: RedisOptions = {},
): Redis {
  const client =
    kind === 'command'
      ? // Queue commands until the first connection is ready (a new client is used at once), fail fast after.
        new Redis(url, { ...FAIL_FAST, enableOfflineQueue: true, enableAutoPipelining: true, connectionName: name, ...overrides })
      : new Redis(url, {
          retryStrategy,
          connectionName: name,
          maxRetriesPerRequest: null,
          ...(kind === 'subscriber' ? { protocol: 2 } : {}),
        })
  if (kind === 'command') client.once('ready', () => (client.options.enableOfflineQueue = false))
  client.on('error', (err: Error) => log.debug(`${name}: ${err.message}`))
  return client
}

export interface RedisConnections {
  command: Redis
  sub: Redis
  /** True while the command connection is ready. */
  readonly healthy: boolean
  onHealth(listener: (ok: boolean, detail?: string) => void): void
  close(): Promise<void>
}

export async function connectRedis(url: string, name = 'cachelab'): Promise<RedisConnections> {
  const command = new Redis(url, {
    ...FAIL_FAST,
    enableAutoPipelining: true,
    lazyConnect: true,
    connectionName: `${name}:cmd`,
  })
  const sub = new Redis(url, { retryStrategy, lazyConnect: true, connectionName: `${name}:sub` })
  const listeners: ((ok: boolean, detail?: string) => void)[] = []
  let healthy = false
  let closing = false
  let lastError = ''
  const setHealth = (ok: boolean, detail?: string) => {
    if (ok === healthy || closing) return
    healthy = ok
    if (ok) log.info('Redis connection ready')
    else log.warn(`Redis connection lost${detail ? `: ${detail}` : ''}`)
    for (const l of listeners) l(ok, detail)
  }
  command.on('ready', () => setHealth(true))
  command.on('close', () => setHealth(false, lastError || 'connection closed'))
  for (const client of [command, sub]) {
    client.on('error', (err: Error) => {
      // ioredis emits an error per failed reconnect; log each distinct one once.
      if (err.message !== lastError) log.debug(`${client.options.connectionName}: ${err.message}`)
      lastError = err.message
    })
  }
  await Promise.all([command.connect(), sub.connect()])
  return {
    command,
    sub,
    get healthy() {
      return healthy
    },
    onHealth: (l) => void listeners.push(l),
    async close() {
      closing = true
      await Promise.allSettled([command.quit(), sub.quit()])
      command.disconnect()
      sub.disconnect()
    },
  }
}
