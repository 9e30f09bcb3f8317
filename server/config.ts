/**
 * Environment variables, parsed once at start. Each field says what it does and its default; the README's
 * configuration table lists the same. Nothing else reads process.env.
 */
import path from 'node:path'
import { z } from 'zod'

const Env = z.object({
  /** Port the app (pages, API, socket.io) listens on; 0 picks a free one. */
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  /** Interface to listen on. 0.0.0.0 lets other machines (a classroom) connect. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Redis to use. Unset: 127.0.0.1:6379 if it answers, else a private redis-server child. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** PostgreSQL server to use (postgres://…). Unset: embedded PGlite. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** Where embedded PGlite keeps its data directory. */
  PGLITE_DIR: z.string().min(1).default('.data/pglite'),
  /** Minutes without a connected browser or API call before a room is cleaned up. */
  ROOM_IDLE_MINUTES: z.coerce.number().positive().max(24 * 60).default(30),
  /** Events kept in each room's Redis Stream (older ones are trimmed). */
  ROOM_EVENTS_MAX: z.coerce.number().int().min(1000).max(1_000_000).default(20_000),
  /** Largest HTTP body or socket message accepted, in bytes. */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(10_000_000).default(64 * 1024),
  /**
   * Several instances serve the same rooms and sessions (behind a load balancer, sharing one Redis and a
   * PostgreSQL server): socket.io's Redis Streams adapter connects them and calls for a room are forwarded
   * to the instance that runs it.
   */
  CLUSTER: z.enum(['true', 'false', '1', '0']).default('false'),
  /**
   * Operator token for GET /metrics. Unset: /metrics is open and shows totals over all rooms, no room ids.
   * Set: /metrics needs `Authorization: Bearer <token>` and shows each room's series (labelled by room id).
   */
  METRICS_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  /**
   * This instance's id in the shared Redis (room ownership, liveness heartbeat). Unset: this machine's name
   * and the address it listens on, stable across restarts, so a restarted instance takes its rooms back at
   * once. Set it when that is not unique (two machines with one name); never give two instances one id.
   */
  INSTANCE_ID: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'letters, digits and . _ : - (at most 100)').optional(),
  /** Rooms one visitor address may have at once (POST /api/rooms and /api/sessions); past it, 429. */
  ROOMS_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(20),
  /** Rooms this instance runs at most; past it, new rooms get 503 until idle ones are cleaned up. */
  ROOMS_MAX: z.coerce.number().int().min(1).max(100_000).default(500),
  /**
   * API requests (/api/*, /metrics) one address may send per second on average; past it, 429. Every open lab
   * page polls its room's metrics once a second: a class of 500 behind one NAT address is 500 a second.
   */
  HTTP_REQUESTS_PER_SECOND: z.coerce.number().positive().max(1_000_000).default(1000),
  /** API requests one address may send in a burst (a class opening the site at once behind one NAT address). */
  HTTP_REQUEST_BURST: z.coerce.number().int().min(1).max(1_000_000).default(3000),
  /**
   * Lab actions one address may send per second over all its sockets (each socket also has its own 20/s). A
   * classroom's participants fire through the session (not counted here) and its host is counted per room.
   */
  ACTIONS_PER_SECOND: z.coerce.number().positive().max(1_000_000).default(100),
  /** Lab actions one address may send in a burst over all its sockets. */
  ACTION_BURST: z.coerce.number().int().min(1).max(1_000_000).default(300),
  /** Redis connections all rooms' labs (app servers, subscribers, readers) may hold at once on this instance. */
  ROOM_REDIS_CONNECTIONS_MAX: z.coerce.number().int().min(1).max(100_000).default(2000),
  /** Seconds without activity after which a room's labs close their Redis connections (reopened on use). */
  LAB_IDLE_SECONDS: z.coerce.number().positive().max(24 * 3600).default(120),
  /**
   * Redis Stream the instances of one cluster talk through. Instances with the same name form one cluster;
   * two clusters (a test, a bench) sharing a Redis stay apart with different names.
   */
  CLUSTER_CHANNEL: z.string().regex(/^[\w:.-]{1,100}$/).default('cachelab:socket.io'),
  /** debug, info, warn or error. */
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
})

export type Config = ReturnType<typeof resolveConfig>

export function resolveConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = Env.safeParse(env)
  if (parsed.success && (parsed.data.CLUSTER === 'true' || parsed.data.CLUSTER === '1') && !parsed.data.DATABASE_URL) {
    throw new ConfigError('CLUSTER=true needs DATABASE_URL: instances can only share a PostgreSQL server, not embedded PGlite.')
  }
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  return {
    port: e.PORT,
    host: e.HOST,
    dev: e.NODE_ENV !== 'production',
    redisUrl: e.REDIS_URL,
    databaseUrl: e.DATABASE_URL,
    pgliteDir: path.resolve(e.PGLITE_DIR),
    roomIdleMs: e.ROOM_IDLE_MINUTES * 60_000,
    roomEventsMax: e.ROOM_EVENTS_MAX,
    maxBodyBytes: e.MAX_BODY_BYTES,
    limits: {
      roomsPerAddress: e.ROOMS_PER_ADDRESS,
      roomsMax: e.ROOMS_MAX,
      http: { rate: e.HTTP_REQUESTS_PER_SECOND, burst: e.HTTP_REQUEST_BURST },
      actions: { rate: e.ACTIONS_PER_SECOND, burst: e.ACTION_BURST },
      roomConnections: e.ROOM_REDIS_CONNECTIONS_MAX,
      labIdleMs: e.LAB_IDLE_SECONDS * 1000,
    },
    logLevel: e.LOG_LEVEL,
    cluster: e.CLUSTER === 'true' || e.CLUSTER === '1',
    metricsToken: e.METRICS_TOKEN,
    instanceId: e.INSTANCE_ID,
    clusterChannel: e.CLUSTER_CHANNEL,
  }
}

export class ConfigError extends Error {
  readonly code = 'E_CONFIG'
}
