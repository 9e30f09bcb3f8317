/**
 * A room's cache as one request sees it: GET, SET with an optional TTL, DEL, UNLINK, "expire now", SCAN,
 * KEYS and any other command, on the room's keys, each recorded as an event tied to the request. Values are
 * JSON; a value that is not (a learner's redis-cli SET) reads as a miss, so the app replaces it instead of
 * failing.
 *
 * Every Redis error is recorded and rethrown as E_CACHE_UNAVAILABLE: the strategy decides what a failed
 * cache operation means for its request (a read falls back to the database; a write logs and moves on).
 * Writes honour the room's `cache-write` fault: an armed one sends the next write on a dead connection.
 */
import { Redis } from 'ioredis'
import { make, roundMs, type EventContext, type EventInput } from '../../lib/events'
import type { CacheObserver, Notification } from './cache-observer'
import { errors } from './errors'
import type { ExpiryWatch } from './expiry-watch'
import type { RoomFaults } from './faults'

export interface CacheDeps {
  redis: Redis
  observer: CacheObserver
  watch: ExpiryWatch
  faults: RoomFaults
  /** The full Redis key of a room key; `prefix` is the room's prefix. */
  full(key: string): string
  prefix: string
  record(event: EventInput): void
}

export type CacheRead<T> = { hit: true; value: T } | { hit: false }

/** A change a Lua script made to one of its keys, as its caller reads it from the reply. */
export type ScriptEffect =
  | { key: string; op: 'set'; ttlMs: number | null; version?: number; record?: boolean }
  | { key: string; op: 'del'; existed: boolean; record?: boolean }

export interface ScanStep {
  /** The cursor to pass next; '0' when the iteration is complete. */
  next: string
  /** Matching keys this call returned, without the room prefix. */
  keys: string[]
  /** Keys this call looked at, in the whole database (any room, any program). */
  examined: number
}

/** What a bulk change did, key by key, as far as the timeline should show it (see RoomCache.bulk). */
export interface BulkOutcome {
  /** Keys it set, each recorded as a `set` event. */
  set?: { key: string; ttlMs: number | null; version?: number }[]
  /** Keys it deleted, each recorded as a `del` event. */
  deleted?: string[]
  /** Other changes (a tag set's SADD), each recorded as a `cache-op` event named by Redis's notification. */
  ops?: { key: string; op: string }[]
  /** Expected notifications that did not happen. */
  missed?: (readonly [key: string, notification: Notification])[]
}

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
    const json = JSON.stringify(value)
    // Redis starts the TTL when it runs the SET, not when this busy process gets round to the reply.
    const sentAt = Date.now()
    await this.write('set', key, ttlMs === null ? ['set'] : ['set', 'expire'], (r) =>
      ttlMs === null ? r.set(full, json) : r.set(full, json, 'PX', ttlMs),
    )
    if (ttlMs === null) this.deps.watch.cancel(full)
    else this.deps.watch.schedule(full, sentAt + ttlMs)
    this.record(make('set', 'cache', { ttlMs, version: value.version }, key, this.app()))
  }

  /**
   * SET key value NX PX ttlMs (a lock, a refresh claim): true if this call created the key, false if it was
   * already there. Recorded as a `set` (its value shown) only when it took.
   */
  async setNx(key: string, value: string, ttlMs: number): Promise<boolean> {
    const full = this.deps.full(key)
    const sentAt = Date.now()
    const reply = await this.write('set nx', key, ['set', 'expire'], (r) => r.set(full, value, 'PX', ttlMs, 'NX'))
    if (reply !== 'OK') {
      this.deps.observer.unexpect(full, 'set')
      this.deps.observer.unexpect(full, 'expire')
      return false
    }
    this.deps.watch.schedule(full, sentAt + ttlMs)
    this.record(make('set', 'cache', { ttlMs, value }, key, this.app()))
    return true
  }

  /** DEL; true if the key existed. */
  async del(key: string): Promise<boolean> {
    const full = this.deps.full(key)
    const removed = await this.write('del', key, ['del'], (r) => r.del(full))
    if (removed === 0) this.deps.observer.unexpect(full, 'del')
    this.deps.watch.cancel(full)
    this.record(make('del', 'cache', { existed: removed > 0 }, key, this.app()))
    return removed > 0
  }

  /**
   * UNLINK several keys in one command (Redis frees their memory in the background); one `del` event per
   * key that existed. Returns how many were removed.
   */
  async unlink(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0
    const fulls = keys.map((k) => this.deps.full(k))
    for (const full of fulls) this.deps.observer.expect(full, ['del'])
    let existed: number[]
    try {
      if (this.deps.faults.take('cache-write')) await deadRedis().unlink(...fulls)
      // EXISTS then UNLINK in one round trip, so each key's event can say whether it was there.
      const pipeline = this.deps.redis.pipeline()
      for (const full of fulls) pipeline.exists(full)
      pipeline.unlink(...fulls)
      const replies = (await pipeline.exec()) ?? []
      const failed = replies.find(([err]) => err)
      if (failed) throw failed[0]
      existed = replies.slice(0, fulls.length).map(([, n]) => n as number)
    } catch (err) {
      for (const full of fulls) this.deps.observer.unexpect(full, 'del')
      throw this.failed('unlink', keys[0]!, err)
    }
    keys.forEach((key, i) => {
      const full = fulls[i]!
      this.deps.watch.cancel(full)
      if (existed[i]) this.record(make('del', 'cache', { existed: true }, key, this.app()))
      else this.deps.observer.unexpect(full, 'del')
    })
    return existed.filter(Boolean).length
  }

  /**
   * Gives the key a 1 ms TTL so that Redis itself expires it (and reports `expired`), rather than deleting it
   * here. False if there was no key.
   */
  async expireNow(key: string): Promise<boolean> {
    const full = this.deps.full(key)
    const ok = await this.write('pexpire', key, ['expire'], (r) => r.pexpire(full, 1))
    if (ok === 0) {
      this.deps.observer.unexpect(full, 'expire')
      return false
    }
    this.deps.watch.schedule(full, Date.now() + 1)
    this.record(make('expire', 'cache', { ttlMs: 1 }, key, this.app()))
    return true
  }

  /**
   * One SCAN call over the whole database from `cursor`, keeping the room's keys that match `match` (a
   * pattern on room keys, like `user:1:*`). To say how many keys the call looked at, the same step is taken
   * again without MATCH (SCAN with the same cursor and COUNT walks the same part of the keyspace). Given the
   * keys the loop has already seen, the event also says how many of this call's keys came back again.
   */
  async scan(cursor: string, match: string, count: number, seen?: ReadonlySet<string>): Promise<ScanStep> {
    const started = performance.now()
    let next: string
    let found: string[]
    let examined: number
    try {
      ;[next, found] = await this.deps.redis.scan(cursor, 'MATCH', this.deps.full(match), 'COUNT', count)
      const ms = roundMs(performance.now() - started)
      const [, all] = await this.deps.redis.scan(cursor, 'COUNT', count)
      examined = all.length
      const keys = found.map((full) => full.slice(this.deps.prefix.length))
      const duplicates = seen ? keys.filter((k) => seen.has(k)).length : undefined
      this.record(make('scan', 'cache', { cursor, next, count, match, examined, returned: keys.length, duplicates, ms }, match, this.ctx))
      return { next, keys, examined }
    } catch (err) {
      throw this.failed('scan', match, err)
    }
  }

  /**
   * One SSCAN call over the set at `key` from `cursor`, keeping the members that match `match`: the same
   * cursor walk as SCAN, over one set's own table. Recorded as a `scan` event on the set's key, with how many
   * members the call looked at (found, as for SCAN, by repeating the step without MATCH).
   */
  async sscan(key: string, cursor: string, match: string, count: number, seen?: ReadonlySet<string>): Promise<ScanStep> {
    const started = performance.now()
    const full = this.deps.full(key)
    try {
      const [next, keys] = await this.deps.redis.sscan(full, cursor, 'MATCH', match, 'COUNT', count)
      const ms = roundMs(performance.now() - started)
      const [, all] = await this.deps.redis.sscan(full, cursor, 'COUNT', count)
      const duplicates = seen ? keys.filter((k) => seen.has(k)).length : undefined
      this.record(make('scan', 'cache', { cursor, next, count, match, examined: all.length, returned: keys.length, duplicates, ms }, key, this.ctx))
      return { next, keys, examined: all.length }
    } catch (err) {
      throw this.failed('sscan', key, err)
    }
  }

  /**
   * Runs any other command on one room key and records it as a `command` event (KEYS, SADD, SMEMBERS, EVAL,
   * MEMORY USAGE …). A command that changes the key must say which keyspace notifications it causes, so the
   * observer does not report them again as coming from outside; `write` commands honour the cache fault.
   */
  async command<T>(
    cmd: string,
    key: string,
    fn: (redis: Redis, full: string) => Promise<T>,
    opts: { notifies?: readonly Notification[]; write?: boolean; detail?: (result: T) => string } = {},
  ): Promise<T> {
    const started = performance.now()
    const run = (r: Redis, full: string) => fn(r, full)
    const result = opts.write || opts.notifies?.length
      ? await this.write(cmd.toLowerCase(), key, opts.notifies ?? [], run)
      : await this.read(cmd.toLowerCase(), key, run)
    const ms = roundMs(performance.now() - started)
    this.record(make('command', 'cache', { cmd, ms, detail: opts.detail?.(result) }, key, this.ctx))
    return result
  }

  /**
   * Runs a Lua script on room keys (`run` gets the full keys, in the order of `keys`) and records it as a
   * `command` event. A script's changes depend on what it finds, so the caller says which keyspace
   * notifications each key may produce (`may`, by index of `keys`) and, from the reply, which changes it made
   * (`effects`): each is recorded as the same `set` or `del` event a plain SET or DEL records (unless `record`
   * is false: the strategy records its own event for it, a lease say), and notifications the script did not
   * cause stop being expected. Honours the cache-write fault like every write.
   */
  async script<T>(
    name: string,
    keys: readonly string[],
    run: (redis: Redis, fullKeys: string[]) => Promise<T>,
    opts: {
      may: readonly (readonly Notification[])[]
      effects(reply: T): ScriptEffect[]
      detail?(reply: T): string
    },
  ): Promise<T> {
    const fulls = keys.map((k) => this.deps.full(k))
    fulls.forEach((full, i) => this.deps.observer.expect(full, opts.may[i] ?? []))
    const started = performance.now()
    const sentAt = Date.now()
    let reply: T
    try {
      const redis = this.deps.faults.take('cache-write') ? deadRedis() : this.deps.redis
      reply = await run(redis, fulls)
    } catch (err) {
      fulls.forEach((full, i) => {
        for (const n of opts.may[i] ?? []) this.deps.observer.unexpect(full, n)
      })
      throw this.failed(`eval ${name}`, keys[0] ?? name, err)
    }
    const ms = roundMs(performance.now() - started)
    this.record(make('command', 'cache', { cmd: `EVAL ${name}`, ms, detail: opts.detail?.(reply) }, keys[0], this.ctx))
    const effects = opts.effects(reply)
    keys.forEach((key, i) => {
      const full = fulls[i]!
      const caused: Notification[] = []
      for (const e of effects) {
        if (e.key !== key) continue
        if (e.op === 'set') {
          caused.push('set')
          if (e.ttlMs !== null) caused.push('expire')
          if (e.ttlMs === null) this.deps.watch.cancel(full)
          else this.deps.watch.schedule(full, sentAt + e.ttlMs)
        } else {
          if (e.existed) caused.push('del')
          this.deps.watch.cancel(full)
        }
      }
      for (const n of opts.may[i] ?? []) {
        const at = caused.indexOf(n)
        if (at >= 0) caused.splice(at, 1)
        else this.deps.observer.unexpect(full, n)
      }
    })
    for (const e of effects) {
      if (e.record === false) continue
      if (e.op === 'set') this.record(make('set', 'cache', { ttlMs: e.ttlMs, version: e.version }, e.key, this.app()))
      else this.record(make('del', 'cache', { existed: e.existed }, e.key, this.app()))
    }
    return reply
  }

  /**
   * Runs one command or pipeline that changes many room keys at once (a bulk fill, a Lua script). The observer
   * is told every notification it will cause, the `cache-write` fault applies to it as a whole, and it is
   * recorded as one `command` event rather than one event per key. `settle` reads the result and says which
   * keys get their own `set` or `del` event (the ones a learner should see on the timeline and in the
   * inspector) and which expected notifications did not happen (a key that was not there).
   */
  async bulk<T>(
    cmd: string,
    key: string,
    expected: readonly (readonly [key: string, notifies: readonly Notification[]])[],
    fn: (redis: Redis, full: (key: string) => string) => Promise<T>,
    opts: { detail?: (result: T) => string; settle?: (result: T) => BulkOutcome } = {},
  ): Promise<T> {
    const { observer, watch, full } = this.deps
    const started = performance.now()
    const sentAt = Date.now()
    for (const [k, notifies] of expected) observer.expect(full(k), notifies)
    let result: T
    try {
      result = await fn(this.deps.faults.take('cache-write') ? deadRedis() : this.deps.redis, full)
    } catch (err) {
      for (const [k, notifies] of expected) for (const n of notifies) observer.unexpect(full(k), n)
      throw this.failed(cmd.toLowerCase(), key, err)
    }
    const ms = roundMs(performance.now() - started)
    this.record(make('command', 'cache', { cmd, ms, detail: opts.detail?.(result) }, key, this.ctx))
    const outcome = opts.settle?.(result) ?? {}
    for (const [k, n] of outcome.missed ?? []) observer.unexpect(full(k), n)
    for (const s of outcome.set ?? []) {
      if (s.ttlMs === null) watch.cancel(full(s.key))
      else watch.schedule(full(s.key), sentAt + s.ttlMs)
      this.record(make('set', 'cache', { ttlMs: s.ttlMs, version: s.version }, s.key, this.app()))
    }
    for (const o of outcome.ops ?? []) this.record(make('cache-op', 'cache', { op: o.op }, o.key, this.app()))
    for (const k of outcome.deleted ?? []) {
      watch.cancel(full(k))
      this.record(make('del', 'cache', { existed: true }, k, this.app()))
    }
    return result
  }

  /** The context for events of changes this app made. */
  private app(): EventContext {
    return { req: this.ctx.req, node: this.ctx.node, src: 'app' }
  }

  private async read<T>(op: string, key: string, fn: (redis: Redis, full: string) => Promise<T>): Promise<T> {
    try {
      return await fn(this.deps.redis, this.deps.full(key))
    } catch (err) {
      throw this.failed(op, key, err)
    }
  }

  /**
   * A change to a key: tells the observer which notifications to expect (withdrawn if the command fails), and
   * goes to a dead connection instead when the room's cache-write fault is armed.
   */
  private async write<T>(
    op: string,
    key: string,
    notifies: readonly Notification[],
    fn: (redis: Redis, full: string) => Promise<T>,
  ): Promise<T> {
    const full = this.deps.full(key)
    this.deps.observer.expect(full, notifies)
    try {
      const redis = this.deps.faults.take('cache-write') ? deadRedis() : this.deps.redis
      return await fn(redis, full)
    } catch (err) {
      for (const n of notifies) this.deps.observer.unexpect(full, n)
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
  if (/max retries per request/i.test(message)) return 'Redis unreachable: the connection dropped'
  return message
}

let dead: Redis | undefined
/**
 * A client whose connection is down (it never connects, and queues nothing): a command sent on it fails at
 * once, exactly as one sent during an outage does. The `cache-write` fault routes one write here.
 */
function deadRedis(): Redis {
  if (!dead) {
    dead = new Redis({ port: 1, host: '127.0.0.1', lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null })
    // A command on a lazy client makes it try to connect; the refusal is the point, not news for the log.
    dead.on('error', () => {})
  }
  return dead
}
