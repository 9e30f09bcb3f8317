/**
 * A room's cache as one request sees it: GET, SET with an optional TTL, DEL and "expire now" on the room's
 * keys, each recorded as an event tied to the request. Values are JSON; a value that is not (a learner's
 * redis-cli SET) reads as a miss, so the app replaces it instead of failing.
 *
 * Every Redis error is recorded and rethrown as E_CACHE_UNAVAILABLE: the strategy decides what a failed
 * cache operation means for its request (a read falls back to the database; a write logs and moves on).
 */
import type { Redis } from 'ioredis'
import { make, roundMs, type EventContext, type EventInput } from '../../lib/events'
import type { CacheObserver } from './cache-observer'
import { errors } from './errors'
import type { ExpiryWatch } from './expiry-watch'

export interface CacheDeps {
  redis: Redis
  observer: CacheObserver
  watch: ExpiryWatch
  full(key: string): string
  record(event: EventInput): void
}

export type CacheRead<T> = { hit: true; value: T } | { hit: false }

export class RoomCache {
  constructor(
    private readonly deps: CacheDeps,
    private readonly ctx: EventContext,
  ) {}

  async get<T extends { version?: number }>(key: string): Promise<CacheRead<T>> {
    const started = performance.now()
    let raw: string | null
    try {
      raw = await this.deps.redis.get(this.deps.full(key))
    } catch (err) {
      throw this.failed('get', key, err)
    }
    const ms = roundMs(performance.now() - started)
    const value = raw === null ? undefined : parse<T>(raw)
    if (value === undefined) {
      this.record(make('miss', 'cache', { ms, reason: raw === null ? 'absent' : 'unreadable' }, key, this.ctx))
      return { hit: false }
    }
    this.record(make('hit', 'cache', { ms, version: value.version }, key, this.ctx))
    return { hit: true, value }
  }

  /** SET the value as JSON, with a TTL in ms (null: no TTL, the key lives until deleted). */
  async set(key: string, value: { version?: number }, ttlMs: number | null): Promise<void> {
    const full = this.deps.full(key)
    this.deps.observer.expect(full, ttlMs === null ? ['set'] : ['set', 'expire'])
    const json = JSON.stringify(value)
    // Redis starts the TTL when it runs the SET, not when this busy process gets round to the reply.
    const sentAt = Date.now()
    await this.call('set', key, (r) => (ttlMs === null ? r.set(full, json) : r.set(full, json, 'PX', ttlMs)))
    if (ttlMs === null) this.deps.watch.cancel(full)
    else this.deps.watch.schedule(full, sentAt + ttlMs)
    this.record(make('set', 'cache', { ttlMs, version: value.version }, key, { ...this.ctx, src: 'app' }))
  }

  /** DEL; true if the key existed. */
  async del(key: string): Promise<boolean> {
    const full = this.deps.full(key)
    this.deps.observer.expect(full, ['del'])
    const removed = await this.call('del', key, (r) => r.del(full))
    if (removed === 0) this.deps.observer.unexpect(full, 'del')
    this.deps.watch.cancel(full)
    this.record(make('del', 'cache', { existed: removed > 0 }, key, { ...this.ctx, src: 'app' }))
    return removed > 0
  }

  /**
   * Gives the key a 1 ms TTL so that Redis itself expires it (and reports `expired`), rather than deleting it
   * here. False if there was no key.
   */
  async expireNow(key: string): Promise<boolean> {
    const full = this.deps.full(key)
    this.deps.observer.expect(full, ['expire'])
    const ok = await this.call('pexpire', key, (r) => r.pexpire(full, 1))
    if (ok === 0) {
      this.deps.observer.unexpect(full, 'expire')
      return false
    }
    this.deps.watch.schedule(full, Date.now() + 1)
    this.record(make('expire', 'cache', { ttlMs: 1 }, key, { ...this.ctx, src: 'app' }))
    return true
  }

  private async call<T>(op: string, key: string, fn: (redis: Redis, full: string) => Promise<T>): Promise<T> {
    try {
      return await fn(this.deps.redis, this.deps.full(key))
    } catch (err) {
      throw this.failed(op, key, err)
    }
  }

  /** Records a failed cache operation and returns the error the strategy sees. */
  private failed(op: string, key: string, err: unknown) {
    this.record(make('cache-error', 'cache', { op, message: redisErrorText(err) }, key, this.ctx))
    return errors.cacheUnavailable(key, err)
  }

  private record(event: EventInput): void {
    this.deps.record(event)
  }
}

function parse<T>(raw: string): T | undefined {
  if (!raw.startsWith('{')) return undefined
  try {
    return JSON.parse(raw) as T
  } catch {
    return undefined
  }
}

/** ioredis's messages for a connection that is down say how ioredis works; say what happened instead. */
export function redisErrorText(err: unknown): string {
  const message = (err as Error)?.message ?? String(err)
  if (/Socket timeout|ETIMEDOUT/i.test(message)) return 'Redis did not answer in time'
  if (/Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET/i.test(message)) return 'Redis unreachable: the connection is down'
  return message
}
