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
import { isInternalKey, parseRoomKey } from '../../lib/keys'
import type { ExpiryWatch } from './expiry-watch'
import { logger } from '../log'

const log = logger('observer')

/** Notifications a command produces, by the Redis event name. */
export type Notification = 'set' | 'del' | 'expire' | 'persist'

/** Expectations older than this are dropped (notifications off, or lost). */
const EXPECT_TTL_MS = 5000
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
  private readonly pattern: string

  constructor(private readonly deps: ObserverDeps) {
    this.pattern = `__keyevent@${deps.db ?? 0}__:*`
  }

  async start(): Promise<void> {
    this.deps.sub.on('pmessage', (_pattern: string, channel: string, key: string) => {
      this.onNotification(channel.slice(channel.indexOf(':') + 1), key)
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
    const { watch, record } = this.deps
    switch (type) {
      case 'expired': {
        this.expected.delete(fullKey)
        const deadline = watch.takeDeadline(fullKey)
        const lateMs = deadline === undefined ? undefined : Math.max(0, Date.now() - deadline)
        record(room, make('expired', 'cache', lateMs === undefined ? {} : { lateMs }, key, { src: 'redis' }))
        return
      }
      case 'evicted':
        watch.cancel(fullKey)
        record(room, make('evicted', 'cache', {}, key, { src: 'redis' }))
        return
    }
    if (this.consumeExpectation(fullKey, type)) return
    switch (type) {
      case 'set':
        void this.describeSet(room, key, fullKey)
        return
      case 'expire':
        void this.describeExpire(room, key, fullKey)
        return
      case 'del':
        watch.cancel(fullKey)
        record(room, make('del', 'cache', { existed: true }, key, { src: 'outside' }))
        return
      case 'persist':
        watch.cancel(fullKey)
        record(room, make('persist', 'cache', {}, key, { src: 'outside' }))
        return
      default:
        if (type === 'rename_from') watch.cancel(fullKey)
        if (type === 'rename_to') void this.describeExpire(room, key, fullKey, true)
        record(room, make('cache-op', 'cache', { op: type }, key, { src: 'outside' }))
    }
  }

  /** A SET from outside: read the value and TTL it left, so the timeline and the watch know them. */
  private async describeSet(room: string, key: string, fullKey: string): Promise<void> {
    const { command, watch, record } = this.deps
    try {
      const [value, pttl] = await Promise.all([command.get(fullKey).catch(() => null), command.pttl(fullKey)])
      const ttlMs = pttl >= 0 ? pttl : null
      if (ttlMs !== null) watch.schedule(fullKey, Date.now() + ttlMs)
      else watch.cancel(fullKey)
      const data: { ttlMs: number | null; value?: string; version?: number } = { ttlMs }
      if (value !== null) {
        data.value = value.length > VALUE_PREVIEW ? `${value.slice(0, VALUE_PREVIEW)}…` : value
        const version = versionOf(value)
        if (version !== undefined) data.version = version
      }
      record(room, make('set', 'cache', data, key, { src: 'outside' }))
    } catch (err) {
      log.debug(`could not describe outside SET of ${fullKey}: ${(err as Error).message}`)
      record(room, make('set', 'cache', { ttlMs: null }, key, { src: 'outside' }))
    }
  }

  private async describeExpire(room: string, key: string, fullKey: string, silent = false): Promise<void> {
    const { command, watch, record } = this.deps
    const pttl = await command.pttl(fullKey).catch(() => -3)
    if (pttl >= 0) watch.schedule(fullKey, Date.now() + pttl)
    if (!silent) record(room, make('expire', 'cache', { ttlMs: pttl >= 0 ? pttl : null }, key, { src: 'outside' }))
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
