/**
 * Watches Redis and the database and tells the browsers when either goes down or comes back, so a failure is
 * shown in the UI instead of surfacing as a mystery timeout.
 */
import type { Database } from './db/database'
import type { RedisConnections } from './redis/connections'
import { logger } from './log'

const log = logger('health')

export interface HealthReport {
  ok: boolean
  redis: { ok: boolean; latencyMs?: number; detail?: string }
  db: { ok: boolean; kind: Database['kind']; latencyMs?: number; detail?: string }
}

export class Health {
  private dbOk = true
  private dbDetail: string | undefined
  private timer: NodeJS.Timeout | undefined
  private listeners: (() => void)[] = []

  constructor(
    private readonly redis: RedisConnections,
    private readonly db: Database,
  ) {
    redis.onHealth(() => this.changed())
  }

  get redisOk(): boolean {
    return this.redis.healthy
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

  start(intervalMs = 5000): void {
    this.timer = setInterval(() => void this.check(), intervalMs)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
  }

  async check(): Promise<HealthReport> {
    const [redis, db] = await Promise.all([this.pingRedis(), this.pingDb()])
    return { ok: redis.ok && db.ok, redis, db }
  }

  private async pingRedis(): Promise<HealthReport['redis']> {
    const started = performance.now()
    try {
      await this.redis.command.ping()
      return { ok: true, latencyMs: round(performance.now() - started) }
    } catch (err) {
      return { ok: false, detail: (err as Error).message }
    }
  }

  private async pingDb(): Promise<HealthReport['db']> {
    const started = performance.now()
    let ok = true
    let detail: string | undefined
    try {
      await withTimeout(this.db.query('SELECT 1'), 2000)
    } catch (err) {
      ok = false
      detail = (err as Error).message
    }
    if (ok !== this.dbOk) {
      this.dbOk = ok
      this.dbDetail = detail
      if (ok) log.info('database reachable again')
      else log.warn(`database failing: ${detail}`)
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

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
    p.then(resolve, reject).finally(() => clearTimeout(t))
  })
}
