/**
 * A simulated application server inside the engine: its own Redis connection, an in-process L1 cache in
 * front of the shared Redis cache, and (on demand) a subscriber connection and a blocking-read connection.
 * Everything it does is recorded with its id as the event's `node`, so the timeline gives it its own lane.
 * Several of them in one room make invalidation across servers (and its failures) real.
 */
import type { Redis } from 'ioredis'
import { make, type Actor, type EventInput } from '../../../lib/events'
import type { Outcome, Room, Scope } from '../room'
import { L1Cache } from './l1-cache'

export interface AppServerOptions {
  /** Entries the L1 cache holds at most. */
  l1Max: number
  /** How long an L1 entry lives. */
  l1TtlMs: number
}

export class AppServer<V extends { version?: number } = { version?: number }> {
  readonly redis: Redis
  l1: L1Cache<V>
  private sub: Redis | undefined
  private blocking: Redis | undefined

  constructor(
    readonly id: string,
    private readonly room: Room,
    opts: AppServerOptions,
  ) {
    this.redis = room.connect(`${id}:cmd`, 'command')
    this.l1 = new L1Cache<V>(opts.l1Max, opts.l1TtlMs)
  }

  /** Runs a request on this server: its events carry the server's id, its cache calls use its connection. */
  request<T extends Outcome>(
    action: string,
    by: Actor,
    fn: (scope: Scope) => Promise<T>,
    opts: { key?: string; label?: string } = {},
  ): Promise<T> {
    return this.room.request(action, by, fn, { ...opts, node: this.id, redis: this.redis })
  }

  /** Reads the L1 cache, recording a hit or a miss (and the drop of an entry found expired). */
  l1Get(key: string, req?: string): V | undefined {
    const read = this.l1.get(key, Date.now())
    if (read.hit) {
      this.record(make('l1-hit', 'app', { version: read.entry.version }, key, { req, node: this.id }))
      return read.entry.value
    }
    if (read.expired) this.record(make('l1-drop', 'app', { reason: 'expired' }, key, { req, node: this.id }))
    this.record(make('l1-miss', 'app', {}, key, { req, node: this.id }))
    return undefined
  }

  l1Set(key: string, value: V, req?: string): void {
    const evicted = this.l1.set(key, value, value.version, Date.now())
    this.record(make('l1-set', 'app', { version: value.version, ttlMs: this.l1.ttlMs }, key, { req, node: this.id }))
    for (const k of evicted) this.record(make('l1-drop', 'app', { reason: 'evicted' }, k, { node: this.id }))
  }

  /** Drops an L1 entry because something said it changed; records it only if there was one. */
  l1Drop(key: string, via: string, latencyMs?: number): boolean {
    const had = this.l1.drop(key)
    if (had) this.record(make('l1-drop', 'app', { reason: 'invalidated', via, latencyMs }, key, { node: this.id }))
    return had
  }

  /** Replaces the L1 cache (new bounds, or emptied); records the clear. */
  resetL1(opts: AppServerOptions): void {
    const dropped = this.l1.clear()
    if (dropped > 0) this.record(make('l1-drop', 'app', { reason: 'cleared' }, undefined, { node: this.id }))
    this.l1 = new L1Cache<V>(opts.l1Max, opts.l1TtlMs)
  }

  /** The server's subscriber connection (made on first use). */
  subscriber(): Redis {
    this.sub ??= this.room.connect(`${this.id}:sub`, 'subscriber')
    return this.sub
  }

  /** The server's connection for blocking stream reads (made on first use). */
  reader(): Redis {
    this.blocking ??= this.room.connect(`${this.id}:reader`, 'blocking')
    return this.blocking
  }

  /** Closes the subscriber (a subscriber that is down), so the next subscriber() is a new connection. */
  async dropSubscriber(): Promise<void> {
    const sub = this.sub
    this.sub = undefined
    if (sub) await this.room.disconnect(sub)
  }

  /** Closes the blocking reader (ends a blocked read at once). */
  async dropReader(): Promise<void> {
    const r = this.blocking
    this.blocking = undefined
    if (r) await this.room.disconnect(r)
  }

  async close(): Promise<void> {
    await Promise.all([this.dropSubscriber(), this.dropReader(), this.room.disconnect(this.redis)])
  }

  record(event: EventInput): void {
    this.room.record(event)
  }
}
