/**
 * Turns Redis keyspace notifications on rooms' keys into timeline events, so the timeline shows what Redis
 * did, whoever asked: this app, a learner's redis-cli, or Redis itself (expiry, eviction).
 *
 * The engine records its own cache operations as it makes them (in order, tied to their request). Before
 * each one it tells the observer which notifications to expect; a notification that matches an expectation
 * is the engine's own and is not recorded twice. Anything else came from outside the app.
 */
import type { Redis } from 'ioredis'
import { make, type EventInput } from '../../lib/events'
import { isInternalKey, KEY_ROOT, parseRoomKey } from '../../lib/keys'
import type { ExpiryWatch } from './expiry-watch'
import { logger } from '../log'

const log = logger('observer')

/** Notifications a command produces, by the Redis event name. */
export type Notification = 'set' | 'del' | 'expire' | 'persist' | 'sadd' | 'srem'

/** Expectations older than this are dropped (notifications off, or lost). */
const EXPECT_TTL_MS = 5000
/** Expectations younger than this survive their key's expiry: their commands are still in flight. */
const IN_FLIGHT_MS = 1000
/** How soon after an outside SET with a TTL its own `expire` notification must come to be absorbed. */
const ABSORB_MS = 100
/** Longest value shown for a key set from outside. */
const VALUE_PREVIEW = 200

interface Expectation {
  type: Notification
  at: number
}

export interface ObserverDeps {
  sub: Redis
  command: Redis
  watch: ExpiryWatch
  /** Whether a room is served by this process (others' keys are ignored). */
  isLive(room: string): boolean
  record(room: string, event: EventInput): void
  /** The Redis logical database the app uses (notifications are per database). */
  db?: number
}

export class CacheObserver {
  private expected = new Map<string, Expectation[]>()
  /** Outside events are recorded one after another, in notification order. */
  private tail: Promise<void> = Promise.resolve()
  /** Notifications queued on the tail (a lookup running, or waiting behind one). */
  private lookups = 0
  /** Keys whose outside SET carried a TTL, so the `expire` Redis sends right after it is not a second event. */
  private absorbExpire = new Map<string, number>()
  private readonly pattern: string

  constructor(private readonly deps: ObserverDeps) {
    // Keyspace channels name the key, so Redis itself filters to rooms' keys: other programs sharing this
    // Redis never send us their traffic.
    this.pattern = `__keyspace@${deps.db ?? 0}__:${KEY_ROOT}:*`
  }

  async start(): Promise<void> {
    this.deps.sub.on('pmessage', (pattern: string, channel: string, type: string) => {
      if (pattern === this.pattern) this.onNotification(type, channel.slice(channel.indexOf(':') + 1))
    })
    await this.deps.sub.psubscribe(this.pattern)
  }

  async stop(): Promise<void> {
    await this.deps.sub.punsubscribe(this.pattern).catch(() => {})
  }

  /** The engine is about to run a command on `fullKey` that produces these notifications. */
  expect(fullKey: string, types: readonly Notification[]): void {
    const list = this.expected.get(fullKey) ?? []
    const at = Date.now()
    for (const type of types) list.push({ type, at })
    this.expected.set(fullKey, list)
  }

  /** The command turned out not to produce a notification (DEL of a missing key). */
  unexpect(fullKey: string, type: Notification): void {
    const list = this.expected.get(fullKey)
    const i = list?.findIndex((e) => e.type === type) ?? -1
    if (list && i >= 0) list.splice(i, 1)
    if (list?.length === 0) this.expected.delete(fullKey)
  }

  /**
   * The key expired: what was expected of it before is moot, but a command sent in the last moments (a
   * waiter's SET NX on a lock that is expiring right now) is still in flight and will notify after this.
   */
  private dropBefore(fullKey: string, cutoff: number): void {
    const list = this.expected.get(fullKey)
    if (!list) return
    const kept = list.filter((e) => e.at >= cutoff)
    if (kept.length === 0) this.expected.delete(fullKey)
    else this.expected.set(fullKey, kept)
  }

  private consumeExpectation(fullKey: string, type: string): boolean {
    const list = this.expected.get(fullKey)
    if (!list) return false
    const cutoff = Date.now() - EXPECT_TTL_MS
    while (list.length > 0 && list[0]!.at < cutoff) list.shift()
    const i = list.findIndex((e) => e.type === type)
    if (i >= 0) list.splice(i, 1)
    if (list.length === 0) this.expected.delete(fullKey)
    return i >= 0
  }

  private onNotification(type: string, fullKey: string): void {
    const parsed = parseRoomKey(fullKey)
    if (!parsed || isInternalKey(parsed.key) || !this.deps.isLive(parsed.room)) return
    const { room, key } = parsed
    // The engine's own operations were recorded when it made them. Expiries and evictions are never ours.
    if (type !== 'expired' && type !== 'evicted' && this.consumeExpectation(fullKey, type)) return
    // Most notifications need no lookup. While no lookup is pending they are recorded at once; otherwise
    // they queue behind it, so events are always recorded in the order Redis sent the notifications.
    const now = this.describeNow(type, key, fullKey)
    if (now && this.lookups === 0) {
      this.absorbExpire.delete(fullKey)
      this.deps.record(room, now)
      return
    }
    // Lookups (GET, PTTL) start now and run concurrently; a slow one must not let a later DEL appear before
    // the SET it follows.
    this.lookups += 1
    const event = now ?? this.describeLater(type, key, fullKey)
    this.tail = this.tail
      .then(() => event)
      .then((e) => {
        const absorb = this.absorbExpire.get(fullKey)
        this.absorbExpire.delete(fullKey)
        // SET … PX from outside also sends `expire`: the `set` event already carries its TTL.
        if (e.kind === 'expire' && absorb !== undefined && Date.now() - absorb < ABSORB_MS) return
        if (e.kind === 'set' && e.data.ttlMs !== null) this.absorbExpire.set(fullKey, Date.now())
        this.deps.record(room, e)
      })
      .catch((err: Error) => log.debug(`could not record ${type} on ${fullKey}: ${err.message}`))
      .finally(() => (this.lookups -= 1))
  }

  /** The event for a notification that needs no lookup (undefined for those that do). */
  private describeNow(type: string, key: string, fullKey: string): EventInput | undefined {
    const { watch } = this.deps
    switch (type) {
      case 'expired': {
        this.dropBefore(fullKey, Date.now() - IN_FLIGHT_MS)
        const deadline = watch.takeDeadline(fullKey)
        const lateMs = deadline === undefined ? undefined : Math.max(0, Date.now() - deadline)
        return make('expired', 'cache', lateMs === undefined ? {} : { lateMs }, key, { src: 'redis' })
      }
      case 'evicted':
        watch.cancel(fullKey)
        return make('evicted', 'cache', {}, key, { src: 'redis' })
      case 'del':
        watch.cancel(fullKey)
        return make('del', 'cache', { existed: true }, key, { src: 'outside' })
      case 'persist':
        watch.cancel(fullKey)
        return make('persist', 'cache', {}, key, { src: 'outside' })
      case 'set':
      case 'expire':
      case 'rename_to':
        return undefined
      default:
        if (type === 'rename_from') watch.cancel(fullKey)
        return make('cache-op', 'cache', { op: type }, key, { src: 'outside' })
    }
  }

  /** The event for a notification that needs Redis looked at (the value, the TTL); keeps the watch in step. */
  private async describeLater(type: string, key: string, fullKey: string): Promise<EventInput> {
    if (type === 'set') return this.describeSet(key, fullKey)
    const ttlMs = await this.readTtl(fullKey)
    if (type === 'expire') return make('expire', 'cache', { ttlMs }, key, { src: 'outside' })
    return make('cache-op', 'cache', { op: type }, key, { src: 'outside' })
  }

  /** A SET from outside: read the value and TTL it left, so the timeline and the watch know them. */
  private async describeSet(key: string, fullKey: string): Promise<EventInput> {
    const { command } = this.deps
    const [value, ttlMs] = await Promise.all([command.get(fullKey).catch(() => null), this.readTtl(fullKey)])
    const data: { ttlMs: number | null; value?: string; version?: number } = { ttlMs }
    if (value !== null) {
      data.value = value.length > VALUE_PREVIEW ? `${value.slice(0, VALUE_PREVIEW)}…` : value
      const version = versionOf(value)
      if (version !== undefined) data.version = version
    }
    return make('set', 'cache', data, key, { src: 'outside' })
  }

  /** The key's remaining TTL (null: none, or unknown), and the watch told about its deadline. */
  private async readTtl(fullKey: string): Promise<number | null> {
    const pttl = await this.deps.command.pttl(fullKey).catch(() => -3)
    if (pttl >= 0) this.deps.watch.schedule(fullKey, Date.now() + pttl)
    else if (pttl !== -3) this.deps.watch.cancel(fullKey)
    return pttl >= 0 ? pttl : null
  }
}

/** The row version a cached JSON value carries, if it carries one. */
export function versionOf(value: string): number | undefined {
  if (!value.startsWith('{')) return undefined
  try {
    const v = (JSON.parse(value) as { version?: unknown }).version
    return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined
  } catch {
    return undefined
  }
}
