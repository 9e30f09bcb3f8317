/**
 * A room: one isolated lab world. Its keys live under `lab:<room>:`, its rows carry its id, its events go to
 * its own stream and socket.io room. A room holds the per-room parts of the engine (settings, metrics, the
 * consistency oracle) and opens request scopes through which strategies reach the cache and the database.
 */
import type { Redis } from 'ioredis'
import { make, roundMs, type Actor, type DataOf, type EventInput, type Kind, type LabEvent, type Lane } from '../../lib/events'
import { entityKey, roomKeys } from '../../lib/keys'
import type { Database } from '../db/database'
import type { CacheObserver } from './cache-observer'
import type { ExpiryWatch } from './expiry-watch'
import { createClient } from '../redis/connections'
import { actorLabel } from './actor'
import { RedisProxy, targetOf, viaProxy, type ProxyMode } from './redis-proxy'
import { RoomFaults } from './faults'
import { RoomMetrics } from './metrics'
import { Oracle, type ReadVerdict } from './oracle'
import type { Recorder } from './recorder'
import { RoomCache, type CacheDeps } from './room-cache'
import { RoomDb, type DbDeps } from './room-db'
import type { ConnectionBudget } from '../limits/connection-budget'

export interface RoomDeps {
  redis: Redis
  /** Where the room's own connections (app servers, subscribers, stream readers) connect. */
  redisUrl: string
  db: Database
  recorder: Recorder
  observer: CacheObserver
  watch: ExpiryWatch
  /** The Redis connections all rooms of this instance may hold between them (unbounded without one). */
  connections?: ConnectionBudget
}

let requestCounter = 0
/** How long a room's command connection waits for a silent Redis before failing its commands. */
export const ROOM_SOCKET_TIMEOUT_MS = 200
/**
 * The longest wait between a room command connection's reconnect attempts: after an outage of any length the
 * app finds Redis again within about this long (the default 2 s cap would let recovery take over 2 s).
 */
export const ROOM_RECONNECT_MAX_MS = 1000
const roomRetry = (times: number) => Math.min(50 * 2 ** Math.min(times, 6), ROOM_RECONNECT_MAX_MS)
/** Keys tracked per room for the inspector; a lab with more keys shows the first ones. */
const MAX_KNOWN_KEYS = 10_000

/** What one request sees: its id, and the room's cache and database bound to it. */
export class Scope {
  readonly cache: RoomCache
  private dbScope: RoomDb | undefined

  constructor(
    private readonly room: Room,
    private readonly ctx: { req: string; node?: string },
    cacheDeps: CacheDeps,
    private readonly dbDeps: DbDeps,
    /** Records nothing (a burst's unsampled requests): the cache and database work the same. */
    private readonly quiet = false,
  ) {
    this.cache = new RoomCache(cacheDeps, ctx)
  }

  /** The database as this request sees it; made on first use, since a cache hit never needs it. */
  get db(): RoomDb {
    return (this.dbScope ??= new RoomDb(this.dbDeps, this.ctx))
  }

  get req(): string {
    return this.ctx.req
  }

  /**
   * Records a stale read if `served` is older than the database's version of the entity, and a dirty read if
   * it is newer (a version the database never committed); returns the oracle's verdict on staleness.
   */
  checkFreshness(key: string, served: number | undefined): ReadVerdict {
    if (served === undefined) return { stale: false }
    const entity = entityKey(key)
    const verdict = this.room.oracle.judge(entity, served, Date.now())
    if (this.quiet) return verdict
    if (verdict.stale) {
      const data = { cached: served, truth: verdict.truth, staleForMs: verdict.staleForMs }
      this.room.record(make('stale-read', 'app', data, key, this.ctx))
      return verdict
    }
    const truth = this.room.oracle.uncommitted(entity, served)
    if (truth !== undefined) this.room.record(make('dirty-read', 'app', { cached: served, truth }, key, this.ctx))
    return verdict
  }

  /**
   * Records an event even in a quiet scope: for the few moments of a burst worth seeing whichever request they
   * happen to (a lock taken, released or refused), never for what every request does.
   */
  note<K extends Kind>(kind: K, lane: Lane, data: DataOf<K>, key?: string): void {
    this.room.record(make(kind, lane, data, key, this.ctx))
  }

  /** Records an event of this request that a strategy decides itself (a lease granted, a fill refused). */
  record<K extends Kind>(kind: K, lane: Lane, data: DataOf<K>, key?: string): void {
    if (this.quiet) return
    this.room.record(make(kind, lane, data, key, this.ctx))
  }
}

export interface Outcome {
  ok: boolean
  from?: 'l1' | 'cache' | 'db' | 'none'
  version?: number
  error?: string
}

export class Room {
  readonly keys: ReturnType<typeof roomKeys>
  readonly metrics = new RoomMetrics()
  readonly oracle = new Oracle()
  readonly createdAt = Date.now()
  lastActive = Date.now()
  /** Browsers connected to the room right now. */
  viewers = 0
  /** Data keys Redis may hold for the room, learned from its cache events (for the inspector). */
  readonly knownKeys = new Set<string>()
  /** Faults armed in this room (the next database write fails, the next cache write fails). */
  readonly faults: RoomFaults
  /** Artificial database latency for every query in the room. */
  dbLatency = { ms: 0, jitterMs: 0 }
  /** While true, every statement of the room fails in the database (an outage: reads and writes). */
  dbFailing = false
  private unlisten: () => void
  private connections = new Set<Redis>()
  private proxy: RedisProxy | undefined
  private proxyPort: number | undefined
  /** What every request scope shares, built once per room rather than once per request. */
  private readonly cacheDeps: CacheDeps
  private readonly dbDeps: DbDeps
  private readonly quietCacheDeps: CacheDeps
  private readonly quietDbDeps: DbDeps

  constructor(
    readonly id: string,
    private readonly deps: RoomDeps,
  ) {
    this.keys = roomKeys(id)
    const record = (e: EventInput) => this.record(e)
    const { redis, observer, watch, db } = deps
    this.faults = new RoomFaults((name, remaining, triggered) =>
      this.record(
        make('fault', name === 'db-write' ? 'db' : 'cache', {
          name,
          on: remaining > 0 || triggered,
          detail: triggered ? 'this operation fails' : remaining > 0 ? `the next ${remaining > 1 ? `${remaining} ` : ''}will fail` : 'disarmed',
        }),
      ),
    )
    const { faults } = this
    this.cacheDeps = { redis, observer, watch, faults, full: this.keys.full, prefix: this.keys.prefix, record }
    this.dbDeps = { db, room: id, metrics: this.metrics, oracle: this.oracle, faults, latency: () => this.dbLatency, failing: () => this.dbFailing, record }
    const ignore = () => {}
    this.quietCacheDeps = { ...this.cacheDeps, record: ignore }
    this.quietDbDeps = { ...this.dbDeps, record: ignore }
    this.unlisten = deps.recorder.listen(id, (event) => {
      this.metrics.observe(event)
      if (event.lane !== 'cache' || !event.key) return
      if (event.kind === 'set' || event.kind === 'expire' || event.kind === 'cache-op') {
        if (this.knownKeys.size < MAX_KNOWN_KEYS) this.knownKeys.add(event.key)
      } else if (event.kind === 'del' || event.kind === 'expired' || event.kind === 'evicted') {
        this.knownKeys.delete(event.key)
      }
    })
  }

  record(event: EventInput): void {
    this.deps.recorder.record(this.id, event)
  }

  /** Hears every event the room records, as it is recorded; returns the unsubscribe. */
  listen(listener: (event: LabEvent) => void): () => void {
    return this.deps.recorder.listen(this.id, listener)
  }

  touch(): void {
    this.lastActive = Date.now()
  }

  /**
   * Runs one request: records `request`, gives `fn` a scope tied to the request id, records `response` with
   * the outcome `fn` returns (or the error it throws, which is rethrown).
   */
  async request<T extends Outcome>(
    action: string,
    by: Actor,
    fn: (scope: Scope) => Promise<T>,
    opts: { key?: string; label?: string; node?: string; redis?: Redis } = {},
  ): Promise<T> {
    const req = `r${(++requestCounter).toString(36)}`
    const ctx = { req, node: opts.node }
    const started = performance.now()
    this.touch()
    this.record(make('request', 'client', { action, by, label: opts.label ?? actorLabel() }, opts.key, ctx))
    const scope = this.scope(ctx, opts.redis)
    try {
      const outcome = await fn(scope)
      const ms = roundMs(performance.now() - started)
      const { ok, from, version, error } = outcome
      this.record(make('response', 'client', { ms, ok, from, version, error }, opts.key, ctx))
      return outcome
    } catch (err) {
      const ms = roundMs(performance.now() - started)
      this.record(make('response', 'client', { ms, ok: false, error: (err as Error).message }, opts.key, ctx))
      throw err
    }
  }

  /** A request scope; `redis` replaces the room's shared connection (an app server's own, say). */
  scope(ctx: { req: string; node?: string }, redis?: Redis): Scope {
    return new Scope(this, ctx, redis ? { ...this.cacheDeps, redis } : this.cacheDeps, this.dbDeps)
  }

  /**
   * A scope that records no events: for the thousands of requests of a burst, which are summed up in `burst`
   * events instead. Cache writes still tell the observer what they will cause (so they are not mistaken for
   * changes from outside), and database queries still count in flight.
   */
  quietScope(ctx: { req: string; node?: string }): Scope {
    return new Scope(this, ctx, this.quietCacheDeps, this.quietDbDeps, true)
  }

  /**
   * A new Redis connection owned by this room (closed when the room goes): for app servers, their
   * subscribers and blocking stream readers.
   */
  connect(name: string, kind: 'command' | 'subscriber' | 'blocking'): Redis {
    // Past the instance's budget this throws E_FULL before anything is opened.
    this.deps.connections?.acquire()
    const url = this.proxyPort ? viaProxy(this.deps.redisUrl, this.proxyPort) : this.deps.redisUrl
    // A room's request-path clients give up on a silent Redis after 200 ms, so a read can still fall back to
    // the database well within a quarter of a second.
    const client = createClient(
      url,
      `cachelab:${this.id}:${name}`,
      kind,
      kind === 'command' ? { socketTimeout: ROOM_SOCKET_TIMEOUT_MS, retryStrategy: roomRetry } : {},
    )
    this.connections.add(client)
    client.once('end', () => this.forget(client))
    return client
  }

  /** Redis connections the room's labs hold now (its share of the instance's budget). */
  get connectionCount(): number {
    return this.connections.size
  }

  /** Closes a connection made with connect(). */
  async disconnect(client: Redis): Promise<void> {
    this.forget(client)
    await client.quit().catch(() => {})
    client.disconnect()
  }

  private forget(client: Redis): void {
    if (this.connections.delete(client)) this.deps.connections?.release()
  }

  /**
   * Starts the room's own path to Redis (a proxy the room's connections go through), so a lab can make
   * Redis fail for this room alone. Plain-TCP Redis only: with rediss:// the room connects directly.
   */
  async start(): Promise<void> {
    if (this.deps.redisUrl.startsWith('rediss:')) return
    this.proxy = new RedisProxy(targetOf(this.deps.redisUrl))
    this.proxyPort = await this.proxy.listen()
  }

  /** Redis as this room's connections see it: up, refused (down) or frozen. */
  get redisMode(): ProxyMode {
    return this.proxy?.mode ?? 'up'
  }

  setRedisMode(mode: ProxyMode): void {
    if (!this.proxy || this.proxy.mode === mode) return
    this.proxy.setMode(mode)
    this.record(
      make('fault', 'cache', {
        name: 'redis',
        on: mode !== 'up',
        detail:
          mode === 'refused'
            ? "this room's connections to Redis are cut and refused"
            : mode === 'frozen'
              ? "this room's connections to Redis get no answers"
              : "this room's connections to Redis work again",
      }),
    )
  }

  async dispose(): Promise<void> {
    this.unlisten()
    await Promise.all([...this.connections].map((c) => this.disconnect(c)))
    await this.proxy?.close()
  }
}
