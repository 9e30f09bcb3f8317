/**
 * Several app servers sharing one Redis cache and one database, and how a change made on one of them
 * reaches the others' L1 caches: the five propagation modes (none, pubsub, stream, outbox, tracking) each
 * implement `Propagation` in their own file. The cluster applies an invalidation the same way whatever
 * carried it: drop the L1 copy, measure how long after the write that happened, count duplicates.
 */
import { make } from '../../../../lib/events'
import { roomKeys } from '../../../../lib/keys'
import type { AppServer } from '../../app-servers/app-server'
import type { Room, Scope } from '../../room'
import type { UserRow } from '../../room-db'

export const MODES = ['none', 'pubsub', 'stream', 'outbox', 'tracking'] as const
export type Mode = (typeof MODES)[number]

/** What a change announcement says: which key, the version written, when it was committed, by whom. */
export interface Invalidation {
  key: string
  version: number
  /** Commit time, ms since the epoch: the start of the invalidation latency. */
  at: number
  from: string
}

export function encodeInvalidation(inv: Invalidation): string {
  return JSON.stringify(inv)
}

export function decodeInvalidation(text: string): Invalidation | undefined {
  try {
    const v = JSON.parse(text) as Partial<Invalidation>
    if (typeof v.key !== 'string' || typeof v.version !== 'number' || typeof v.at !== 'number') return undefined
    return { key: v.key, version: v.version, at: v.at, from: String(v.from ?? '') }
  } catch {
    return undefined
  }
}

/** Per-server figures the lab shows and the comparison table sums. */
export interface ServerCounters {
  /** Invalidation latencies (write → this server's L1 drop), ms. */
  latencies: number[]
  delivered: number
  duplicates: number
  lost: number
  acked: number
}

export type ServerBus = AppServer<UserRow>

export interface ListenerState {
  up: boolean
  /** Stream modes: the consumer crashed (read, applied, not acknowledged) and waits for a restart. */
  crashed?: boolean
}

export class Cluster {
  readonly counters = new Map<string, ServerCounters>()
  readonly listeners = new Map<string, ListenerState>()
  /** Message ids each server has applied, to spot a redelivered duplicate. */
  private applied = new Map<string, Set<string>>()
  /** When each key was last written (for tracking, whose messages carry only the key). */
  readonly lastWrite = new Map<string, number>()

  constructor(
    readonly room: Room,
    readonly servers: ServerBus[],
  ) {
    for (const s of servers) {
      this.counters.set(s.id, { latencies: [], delivered: 0, duplicates: 0, lost: 0, acked: 0 })
      this.listeners.set(s.id, { up: true })
      this.applied.set(s.id, new Set())
    }
  }

  get keys() {
    return roomKeys(this.room.id)
  }

  server(id: string): ServerBus | undefined {
    return this.servers.find((s) => s.id === id)
  }

  counter(id: string): ServerCounters {
    return this.counters.get(id)!
  }

  /**
   * A server received an invalidation: record the delivery, drop its L1 copy, and measure the latency from
   * the write. A message id it already applied is a duplicate (at-least-once delivery); dropping again is
   * harmless, which is why invalidations must be idempotent.
   */
  apply(server: ServerBus, inv: Invalidation, via: 'pubsub' | 'stream' | 'outbox' | 'tracking', opts: { id?: string; redelivered?: boolean } = {}): void {
    const c = this.counter(server.id)
    const seen = this.applied.get(server.id)!
    const duplicate = opts.id !== undefined && seen.has(opts.id)
    if (opts.id !== undefined) seen.add(opts.id)
    c.delivered += 1
    if (duplicate) c.duplicates += 1
    const latencyMs = Math.max(0, Date.now() - inv.at)
    server.record(
      make('deliver', 'app', { via, id: opts.id, latencyMs, redelivered: opts.redelivered, duplicate }, inv.key, {
        node: server.id,
      }),
    )
    if (server.l1Drop(inv.key, via, latencyMs) && !duplicate) c.latencies.push(latencyMs)
  }

  reset(): void {
    for (const c of this.counters.values()) Object.assign(c, { latencies: [], delivered: 0, duplicates: 0, lost: 0, acked: 0 })
    for (const s of this.applied.values()) s.clear()
    this.lastWrite.clear()
  }
}

/** One propagation mode: how a write on one server reaches the other servers' L1 caches. */
export interface Propagation {
  readonly mode: Mode
  /** Starts listening on every server (subscribe, create consumer groups, switch tracking on, start a relay). */
  start(): Promise<void>
  stop(): Promise<void>
  /**
   * The database part of a write. Most modes update the row; the outbox mode also writes the outbox row in
   * the same transaction.
   */
  commit(scope: Scope, userId: number, name: string, writer: ServerBus): Promise<UserRow | undefined>
  /** What the writer does after its commit to tell the others (skipped when the writer crashes first). */
  announce(scope: Scope, inv: Invalidation, writer: ServerBus): Promise<void>
  /** Takes one server's listener down, or brings it back. */
  setListener(server: ServerBus, up: boolean): Promise<void>
  /** Stream modes: the next entry this server reads is applied but not acknowledged (a crash). */
  crashBeforeAck?(server: ServerBus): void
  /** Offsets, pending entries and lag per server (stream modes). */
  busStatus?(): Promise<Record<string, { lastDelivered: string; pending: number; lag: number | null }>>
}
