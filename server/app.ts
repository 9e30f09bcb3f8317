/**
 * Builds the whole app in one process: Redis (found or spawned), the database, the engine, the HTTP API,
 * socket.io and (unless a test turns it off) Next.js, all on one HTTP server. `server/index.ts` starts it
 * from the environment; tests start it on port 0 with their own options.
 */
import { createServer, type Server as HttpServer } from 'node:http'
import { setEventValidation } from '../lib/events'
import type { Config } from './config'
import { openDatabase } from './db/open'
import type { Database } from './db/database'
import { apiRouter } from './api/routes'
import { sendError } from './api/http'
import { createAdapter } from '@socket.io/redis-streams-adapter'
import { Redis } from 'ioredis'
import { instanceId } from './cluster/instance-id'
import { EngineRouter } from './cluster/router'
import { Engine } from './engine/engine'
import { LabError } from './engine/errors'
import { Health } from './health'
import { logger } from './log'
import { connectRedis, type RedisConnections } from './redis/connections'
import { resolveRedis, type ResolvedRedis } from './redis/resolve'
import { ROOT } from './paths'
import { securePage, setCommonHeaders } from './security-headers'
import { ClassroomMarks } from './sessions/classroom-marks'
import { SessionStore } from './sessions/session-store'
import { attachHandlers, createSocketServer, emitBatch, type LabServer } from './socket'
import { KeyedBuckets } from './limits/keyed-buckets'
import { ConnectionBudget } from './limits/connection-budget'
import { httpRateLimit } from './limits/http-rate'
import { releaseIdleLabs } from './limits/idle-labs'
import { RoomQuota } from './limits/room-quota'

const log = logger('server')

export { ROOT }

export interface AppOptions {
  config: Config
  /** Serve the Next.js pages too (tests of the API and sockets leave it off). */
  next?: boolean
}

export interface RunningApp {
  url: string
  port: number
  engine: Engine
  router: EngineRouter
  sessions: SessionStore
  redis: RedisConnections
  db: Database
  http: HttpServer
  io: LabServer
  close(): Promise<void>
}

export async function startApp({ config, next: withNext = true }: AppOptions): Promise<RunningApp> {
  const started = performance.now()
  setEventValidation(config.dev)
  const phase = (name: string) => log.debug(`${name} after ${Math.round(performance.now() - started)} ms`)
  const http = createServer()
  // Next.js prepares (reads its build, warms its handler) while Redis and the database come up.
  const nextReady = withNext ? prepareNext(config, http) : undefined
  nextReady?.catch(() => {}) // awaited below; this only keeps an early failure from being "unhandled"
  // The database opens meanwhile too (PGlite takes about a second): nothing in it waits for Redis.
  const dbReady = openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: config.pgliteDir })
  dbReady.catch(() => {}) // awaited below, as nextReady
  const resolved: ResolvedRedis = await resolveRedis(config.redisUrl).catch(async (err: unknown) => {
    await dbReady.then((db) => db.close()).catch(() => {})
    throw err
  })
  const cleanups: (() => Promise<unknown>)[] = [() => resolved.stop()]
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err) => log.warn('shutdown step failed', err))
  }
  try {
    log.info(`Redis: ${redact(resolved.url)} (${resolved.source})`)
    cleanups.push(() => dbReady.then((db) => db.close(), () => {}))
    const redis = await connectRedis(resolved.url).catch((err: Error) => {
      throw new Error(`Could not connect to Redis at ${redact(resolved.url)}: ${err.message}`)
    })
    cleanups.push(() => redis.close())
    phase('Redis connected')
    const db = await dbReady.catch((err: Error) => {
      throw new Error(
        config.databaseUrl
          ? `Could not open the PostgreSQL database at ${redact(config.databaseUrl)}: ${err.message}`
          : `Could not open the embedded database in ${config.pgliteDir}: ${err.message}`,
      )
    })
    phase('database open')
    log.info(`Database: ${db.kind === 'pglite' ? `PGlite in ${config.pgliteDir}` : redact(config.databaseUrl ?? '')}`)

    // socket.io attaches to the HTTP server made below; the engine's emitters look it up when they fire.
    const sockets: { io?: LabServer } = {}
    const instance = instanceId({ configured: config.instanceId, host: config.host, port: config.port })
    const engine = new Engine({
      instance,
      redis: redis.command,
      redisUrl: resolved.url,
      sub: redis.sub,
      db,
      roomIdleMs: config.roomIdleMs,
      roomEventsMax: config.roomEventsMax,
      emitBatch: (room, events) => sockets.io && emitBatch(sockets.io, room, events, config.cluster),
      // In a cluster the viewers may be on other instances: every room counts as watched.
      watched: (room) => config.cluster || (sockets.io?.sockets.adapter.rooms.get(room)?.size ?? 0) > 0,
      emitState: (room, lab, state) => sockets.io?.to(room).emit('lab:state', { room, lab, state }),
      checkContent: config.dev,
      connections: new ConnectionBudget(config.limits.roomConnections),
    })
    await engine.start()
    cleanups.push(() => engine.stop())
    const stopIdleRelease = releaseIdleLabs(engine.rooms, config.limits.labIdleMs)
    cleanups.push(async () => stopIdleRelease())

    let wasDown = false
    redis.onHealth((ok) => {
      if (!ok) wasDown = true
      else if (wasDown) void engine.redisReconnected().catch((err) => log.warn('could not restore after Redis came back', err))
    })
    const health = new Health(redis, db)
    health.start()
    cleanups.push(async () => health.stop())
    const status = () => engine.status(
      { ok: health.redisOk, detail: health.redisDetail },
      { ok: health.databaseOk, detail: health.databaseDetail },
    )

    const router = new EngineRouter(engine, config.cluster)
    const marks = new ClassroomMarks(db)
    const sessions = new SessionStore(redis.command, marks)
    const quota = new RoomQuota({
      perAddress: config.limits.roomsPerAddress,
      total: config.limits.roomsMax,
      idleMs: config.roomIdleMs,
      liveCount: () => engine.rooms.all().length,
      isLive: (id) => engine.rooms.isLive(id),
    })
    const api = apiRouter({
      engine,
      router,
      sessions,
      marks,
      health,
      metricsToken: config.metricsToken,
      maxBodyBytes: config.maxBodyBytes,
      root: ROOT,
      dev: config.dev,
      quota,
    })
    const rateLimited = httpRateLimit(config.limits.http, ['/api', '/metrics'])
    let handleNext: ((req: Parameters<typeof api.handle>[0], res: Parameters<typeof api.handle>[1]) => Promise<void>) | undefined
    if (nextReady) {
      const app = await nextReady
      handleNext = app.getRequestHandler()
      cleanups.push(() => app.close())
      phase('Next.js prepared')
    }
    // The request listener goes on before socket.io attaches, so socket.io can route /socket.io/ to itself.
    http.on('request', (req, res) => {
      try {
        // A visitor's headers can never supply the nonce: it is set here, for pages only.
        delete req.headers['x-nonce']
        delete req.headers['content-security-policy']
        if (rateLimited(req, res)) return
        if (api.handle(req, res, ['/api', '/metrics'])) return
        securePage(req, res, config.dev)
        if (handleNext) handleNext(req, res).catch((err) => sendError(res, err))
        else sendError(res, new LabError('E_NOT_FOUND', 404, 'This instance serves the API and sockets only.'))
      } catch (err) {
        sendError(res, err)
      }
    })
    const socketOpts = { maxMessageBytes: config.maxBodyBytes, actionsPerAddress: new KeyedBuckets(config.limits.actions) }
    let adapter: ReturnType<typeof createAdapter> | undefined
    if (config.cluster) {
      // Several instances: broadcasts, presence and forwarded calls go through Redis Streams.
      const adapterClient = new Redis(resolved.url, { connectionName: 'cachelab:adapter', maxRetriesPerRequest: null })
      adapterClient.on('error', () => {})
      cleanups.push(async () => adapterClient.disconnect())
      adapter = createAdapter(adapterClient, { streamName: config.clusterChannel })
      log.info(`cluster mode: instance ${instance}`)
    }
    const io = createSocketServer(http, { ...socketOpts, adapter })
    // socket.io takes /socket.io/ requests before the listener above sees them; this runs ahead of both, so
    // its answers (polling, handshake errors) carry the security headers too.
    http.prependListener('request', (_req, res) => setCommonHeaders(res))
    sockets.io = io
    router.attach(io)
    attachHandlers(io, { engine, router, sessions, status }, socketOpts)
    health.onChange(() => io.emit('status', status()))
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          io.close(() => resolve())
          http.closeAllConnections()
        }),
    )

    await new Promise<void>((resolve, reject) => {
      http.once('error', reject)
      http.listen(config.port, config.host, () => resolve())
    })
    const address = http.address()
    const port = typeof address === 'object' && address ? address.port : config.port
    const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host
    return { url: `http://${host}:${port}`, port, engine, router, sessions, redis, db, http, io, close: cleanup }
  } catch (err) {
    await cleanup()
    throw err
  }
}

/** A URL without its password, for logs and messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return url
  }
}

async function prepareNext(config: Config, http: HttpServer) {
  const { default: next } = await import('next')
  const app = next({ dev: config.dev, dir: ROOT, hostname: config.host, port: config.port, httpServer: http })
  await app.prepare()
  return app
}
