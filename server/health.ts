/**
 * Watches Redis and the database and tells the browsers when either goes down or comes back, so a failure is
 * shown in the UI instead of surfacing as a mystery timeout.
 */
import type { Database } from './db/database'
import { TABLES } from './db/schema'
import type { RedisConnections } from './redis/connections'
import { logger } from './log'
import { isRedisOutage, redisFailureInWords } from './redis/outage'

const log = logger('health')

export interface HealthReport {
  ok: boolean
  redis: { ok: boolean; latencyMs?: number; detail?: string }
  db: { ok: boolean; kind: Database['kind']; latencyMs?: number; detail?: string }
}

/** How often Redis is pinged, and how long a PING may take before Redis counts as not answering. */
const REDIS_BEAT_MS = 250
const REDIS_PING_LIMIT_MS = 600
/** How often the database is probed, and how long the probe may take. */
const DB_BEAT_MS = 500
const DB_PING_LIMIT_MS = 2000
/**
 * The probe touches every table the labs use (reading no row): a database that answers `SELECT 1` but whose
 * tables fail (the embedded database's fault, a broken or dropped table) fails every lab read all the same,
 * and must be shown as down.
 */
const DB_PROBE = `SELECT ${TABLES.map((t) => `(SELECT 1 FROM ${t} LIMIT 0)`).join(', ')}`

/** What the browser is told: what is wrong, in words, never the driver's text. */
function dbFailure(err: unknown): string {
  const message = (err as Error).message ?? ''
  if (/^no answer within/.test(message)) return 'the database does not answer'
  if ((err as { code?: string }).code === '42P01') return "the app's tables cannot be read"
  return 'the database does not accept queries'
}

export class Health {
  private dbOk = true
  private dbDetail: string | undefined
  /**
   * Set while the command connection is open but Redis does not answer (a frozen or stalled server, a link
   * that swallows packets): the connection only notices after its socket timeout, seconds later, so the
   * heartbeat's PING is what lets the UI say so within a second.
   */
  private stalled: string | undefined
  private timers: NodeJS.Timeout[] = []
  private pinging = { redis: false, db: false }
  private listeners: (() => void)[] = []

  constructor(
    private readonly redis: RedisConnections,
    private readonly db: Database,
  ) {
    redis.onHealth(() => this.changed())
  }

  get redisOk(): boolean {
    return this.redis.healthy && !this.stalled
  }

  get redisDetail(): string | undefined {
    if (!this.redis.healthy) return 'the connection to Redis is down'
    return this.stalled
  }

  get databaseOk(): boolean {
    return this.dbOk
  }

  get databaseDetail(): string | undefined {
    return this.dbDetail
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener)
  }

  /** Starts the heartbeats; a change of either service's health is announced to the listeners at once. */
  start(): void {
    const beat = (which: 'redis' | 'db', fn: () => Promise<unknown>) => async () => {
      if (this.pinging[which]) return // the previous ping is still waiting: it decides
      this.pinging[which] = true
      try {
        await fn()
      } finally {
        this.pinging[which] = false
      }
    }
    this.timers = [
      setInterval(beat('redis', () => this.pingRedis()), REDIS_BEAT_MS),
      setInterval(beat('db', () => this.pingDb()), DB_BEAT_MS),
    ]
    for (const t of this.timers) t.unref()
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t)
  }

  async check(): Promise<HealthReport> {
    const [redis, db] = await Promise.all([this.pingRedis(), this.pingDb()])
    return { ok: redis.ok && db.ok, redis, db }
  }

  private async pingRedis(): Promise<HealthReport['redis']> {
    const started = performance.now()
    let result: HealthReport['redis']
    try {
      await withTimeout(this.redis.command.ping(), REDIS_PING_LIMIT_MS)
      result = { ok: true, latencyMs: round(performance.now() - started) }
    } catch (err) {
      // In words for the page and GET /api/health; the driver's own text goes to the log only.
      result = { ok: false, detail: redisPingFailure(err) }
      log.debug(`Redis PING failed: ${(err as Error).message}`)
    }
    // Only a connection that claims to be up can be stalled; a closed one is reported by its own events.
    const stalled = !result.ok && this.redis.healthy ? `Redis is not answering (no reply to PING within ${REDIS_PING_LIMIT_MS} ms)` : undefined
    if (stalled !== this.stalled && (stalled === undefined || this.stalled === undefined)) {
      this.stalled = stalled
      if (stalled) log.warn(stalled)
      else log.info('Redis answers again')
      this.changed()
    }
    return result
  }

  private async pingDb(): Promise<HealthReport['db']> {
    const started = performance.now()
    let ok = true
    let detail: string | undefined
    let cause = ''
    try {
      await withTimeout(this.db.query(DB_PROBE), DB_PING_LIMIT_MS)
    } catch (err) {
      ok = false
      detail = dbFailure(err)
      cause = ` (${(err as Error).message})`
    }
    if (ok !== this.dbOk) {
      this.dbOk = ok
      this.dbDetail = detail
      if (ok) log.info('database reachable again')
      else log.warn(`database failing: ${detail}${cause}`)
      this.changed()
    }
    return { ok, kind: this.db.kind, ...(ok ? { latencyMs: round(performance.now() - started) } : { detail }) }
  }

  private changed(): void {
    for (const l of this.listeners) l()
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100
}

class PingTimeout extends Error {}

function redisPingFailure(err: unknown): string {
  if (err instanceof PingTimeout) return `Redis is not answering (no reply to PING within ${REDIS_PING_LIMIT_MS} ms)`
  return isRedisOutage(err) ? redisFailureInWords(err) : 'Redis refused PING'
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new PingTimeout(`no answer within ${ms} ms`)), ms)
    p.then(resolve, reject).finally(() => clearTimeout(t))
  })
}
