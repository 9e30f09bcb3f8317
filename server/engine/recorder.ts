/**
 * The recorder is the only sink for events. It numbers them per room, appends them to the room's Redis
 * Stream in pipelined batches, and hands them to the room's browsers in batches: at most one message per
 * room every ~50 ms, never one per event.
 *
 * Stream layout: one entry per append batch (up to ENTRY_EVENTS events, field `e` holds a JSON array), and
 * the entry id is `<last seq in the batch>-0`. So `XRANGE (<after>-0 +` returns exactly the entries holding
 * events after `after`, and `MINID ~ <seq - maxLen>` keeps the last maxLen events. One XADD per batch instead
 * of one per event keeps the recorder's cost on Redis far below the work it records.
 *
 * Ordering guarantee that makes replay gap-free: a batch is sent to browsers only after its append was
 * attempted, and a browser joins the socket.io room before it reads the stream. So every event is either in
 * the stream when the browser reads it, or sent to the browser live, or both (the browser drops duplicates).
 * If Redis is down the events still go to browsers and wait in memory to be appended once it is back.
 */
import type { Redis } from 'ioredis'
import { z } from 'zod'
import { LabEvent, type EventInput } from '../../lib/events'
import type { ReplayResult } from '../../lib/protocol'
import { roomKeys } from '../../lib/keys'
import { logger } from '../log'

const log = logger('recorder')

/** Most events in one stream entry. */
const ENTRY_EVENTS = 256

export interface RecorderOptions {
  /** Events kept in each room's stream (older ones are trimmed, approximately). */
  maxLen: number
  /** Minimum time between two batches sent to one room's browsers. */
  emitIntervalMs?: number
  /** Events kept in memory per room while Redis cannot take them. */
  maxBacklog?: number
  /**
   * Whether any browser is watching a room. Events of an unwatched room are not held for sending (a browser
   * that joins later replays them from the stream), which keeps a busy room's events short-lived.
   */
  watched?: (room: string) => boolean
}

export type BatchSink = (room: string, events: LabEvent[]) => void
export type EventListener = (event: LabEvent) => void

interface RoomLog {
  seq: number
  /** Recorded, not yet sent to Redis. */
  pending: LabEvent[]
  /** Being appended right now. */
  inflight: LabEvent[]
  /** Appends that failed (Redis down), retried first on the next append. */
  backlog: LabEvent[]
  /** Appended (or attempted), not yet sent to browsers. */
  unsent: LabEvent[]
  appendScheduled: boolean
  emitTimer: NodeJS.Timeout | undefined
  lastEmit: number
  /** Highest seq already queued for browsers: a retried append must not send its events a second time. */
  queuedUpTo: number
  listeners: Set<EventListener>
  drained: (() => void)[]
}

export class Recorder {
  private rooms = new Map<string, RoomLog>()
  private opening = new Map<string, Promise<number>>()
  private readonly emitIntervalMs: number
  private readonly maxBacklog: number

  constructor(
    private readonly redis: Redis,
    private readonly sink: BatchSink,
    private readonly opts: RecorderOptions,
  ) {
    this.emitIntervalMs = opts.emitIntervalMs ?? 50
    this.maxBacklog = opts.maxBacklog ?? 50_000
  }

  /** Starts recording for a room, continuing from the last sequence number in its stream. */
  async open(room: string): Promise<number> {
    const existing = this.rooms.get(room)
    if (existing) return existing.seq
    let opening = this.opening.get(room)
    if (!opening) {
      opening = this.load(room).finally(() => this.opening.delete(room))
      this.opening.set(room, opening)
    }
    return opening
  }

  private async load(room: string): Promise<number> {
    const last = await this.redis.xrevrange(roomKeys(room).events, '+', '-', 'COUNT', 1)
    const seq = last[0] ? Number.parseInt(last[0][0], 10) : 0
    this.rooms.set(room, {
      seq,
      pending: [],
      inflight: [],
      backlog: [],
      unsent: [],
      appendScheduled: false,
      emitTimer: undefined,
      lastEmit: 0,
      queuedUpTo: seq,
      listeners: new Set(),
      drained: [],
    })
    return seq
  }

  isOpen(room: string): boolean {
    return this.rooms.has(room)
  }

  lastSeq(room: string): number {
    return this.rooms.get(room)?.seq ?? 0
  }

  /**
   * Numbers and times an event, tells in-process listeners at once, and queues it for Redis and browsers.
   * The recorder takes the object over (it is numbered in place, not copied): pass each event once.
   */
  record(room: string, input: EventInput): LabEvent | undefined {
    const r = this.rooms.get(room)
    if (!r) return undefined
    r.seq += 1
    const event = input as LabEvent
    event.seq = r.seq
    if (event.time === undefined) event.time = now()
    r.pending.push(event)
    for (const listener of r.listeners) listener(event)
    if (!r.appendScheduled && r.inflight.length === 0) {
      r.appendScheduled = true
      setImmediate(() => void this.append(room, r))
    }
    return event
  }

  /** In-process subscription to a room's events (demo runner, metrics); returns the unsubscribe. */
  listen(room: string, listener: EventListener): () => void {
    const r = this.rooms.get(room)
    r?.listeners.add(listener)
    return () => r?.listeners.delete(listener)
  }

  /**
   * Events after `after`, oldest first: from the stream, plus whatever is still in memory (not yet
   * appended, or waiting for Redis to come back).
   */
  async replay(room: string, after: number, limit: number): Promise<ReplayResult> {
    const r = this.rooms.get(room)
    const key = roomKeys(room).events
    const byId = new Map<number, LabEvent>()
    let firstSeq = 0
    try {
      const first = await this.redis.xrange(key, '-', '+', 'COUNT', 1)
      firstSeq = first[0] ? (decode(first[0][1])[0]?.seq ?? 0) : 0
      let from = after
      while (byId.size < limit) {
        const entries = await this.redis.xrange(key, `(${from}-0`, '+', 'COUNT', 32)
        for (const [id, fields] of entries) {
          for (const event of decode(fields)) if (event.seq > after) byId.set(event.seq, event)
          from = Number.parseInt(id, 10)
        }
        if (entries.length < 32) break
      }
    } catch (err) {
      log.warn(`replay of ${room} from the stream failed, serving memory only: ${(err as Error).message}`)
    }
    if (r) {
      for (const list of [r.backlog, r.inflight, r.pending]) {
        for (const event of list) if (event.seq > after) byId.set(event.seq, event)
      }
      const memFirst = r.backlog[0]?.seq ?? r.inflight[0]?.seq ?? r.pending[0]?.seq
      if (firstSeq === 0 && memFirst !== undefined) firstSeq = memFirst
    }
    const events = [...byId.values()].sort((a, b) => a.seq - b.seq).slice(0, limit)
    return { events, firstSeq, lastSeq: r?.seq ?? events.at(-1)?.seq ?? after }
  }

  /** The lowest sequence number still held for a room (0 when it has none). */
  async firstSeq(room: string): Promise<number> {
    const r = this.rooms.get(room)
    try {
      const first = await this.redis.xrange(roomKeys(room).events, '-', '+', 'COUNT', 1)
      const seq = first[0] ? (decode(first[0][1])[0]?.seq ?? 0) : 0
      if (seq > 0) return seq
    } catch {
      // Redis unavailable: what memory holds is all there is.
    }
    return r?.backlog[0]?.seq ?? r?.inflight[0]?.seq ?? r?.pending[0]?.seq ?? 0
  }

  /** Resolves once everything recorded so far was appended (or attempted) and sent. */
  flush(room: string): Promise<void> {
    const r = this.rooms.get(room)
    if (!r || (r.pending.length === 0 && r.inflight.length === 0 && r.unsent.length === 0)) return Promise.resolve()
    return new Promise((resolve) => r.drained.push(resolve))
  }

  /** Stops recording for a room (after flushing what it has). */
  async close(room: string): Promise<void> {
    await this.flush(room)
    const r = this.rooms.get(room)
    if (r) clearTimeout(r.emitTimer)
    this.rooms.delete(room)
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.rooms.keys()].map((room) => this.close(room)))
  }

  private async append(room: string, r: RoomLog): Promise<void> {
    r.appendScheduled = false
    if (r.pending.length === 0 && r.backlog.length === 0) return
    r.inflight = r.backlog.concat(r.pending)
    r.backlog = []
    r.pending = []
    const key = roomKeys(room).events
    const pipeline = this.redis.pipeline()
    const chunks: LabEvent[][] = []
    for (let i = 0; i < r.inflight.length; i += ENTRY_EVENTS) chunks.push(r.inflight.slice(i, i + ENTRY_EVENTS))
    for (const chunk of chunks) {
      const last = chunk.at(-1)!.seq
      const minId = Math.max(0, last - this.opts.maxLen)
      pipeline.xadd(key, 'MINID', '~', `${minId}-0`, `${last}-0`, 'e', JSON.stringify(chunk))
    }
    let failed: LabEvent[] = []
    try {
      const results = (await pipeline.exec()) ?? []
      results.forEach(([err], i) => {
        // An id at or below the stream's top means the entry is already there (a retried append).
        if (err && !/equal or smaller/i.test(err.message)) failed.push(...chunks[i]!)
      })
    } catch {
      failed = r.inflight
    }
    const attempted = r.inflight
    r.inflight = []
    if (failed.length > 0) {
      r.backlog = failed.concat(r.backlog)
      if (r.backlog.length > this.maxBacklog) {
        const dropped = r.backlog.splice(0, r.backlog.length - this.maxBacklog)
        log.warn(`room ${room}: Redis unavailable, dropped ${dropped.length} events from the stream backlog`)
      }
      setTimeout(() => {
        if (!r.appendScheduled && r.inflight.length === 0 && this.rooms.get(room) === r) void this.append(room, r)
      }, 500).unref()
    }
    const watched = this.opts.watched?.(room) ?? true
    for (const event of attempted) {
      // A retried append must not send its events to browsers a second time.
      if (event.seq <= r.queuedUpTo) continue
      r.queuedUpTo = event.seq
      if (watched) r.unsent.push(event)
    }
    this.scheduleEmit(room, r)
    this.settle(r)
    if (r.pending.length > 0 && !r.appendScheduled) {
      r.appendScheduled = true
      setImmediate(() => void this.append(room, r))
    }
  }

  private scheduleEmit(room: string, r: RoomLog): void {
    if (r.emitTimer || r.unsent.length === 0) return
    const wait = Math.max(0, r.lastEmit + this.emitIntervalMs - Date.now())
    if (wait === 0) return this.emit(room, r)
    r.emitTimer = setTimeout(() => {
      r.emitTimer = undefined
      this.emit(room, r)
    }, wait)
  }

  private emit(room: string, r: RoomLog): void {
    r.lastEmit = Date.now()
    const batch = r.unsent
    r.unsent = []
    if (batch.length > 0) this.sink(room, batch)
    this.settle(r)
  }

  /** Resolves flush() waiters once nothing recorded is waiting to be appended or sent. */
  private settle(r: RoomLog): void {
    if (r.pending.length === 0 && r.inflight.length === 0 && r.unsent.length === 0) {
      for (const resolve of r.drained.splice(0)) resolve()
    }
  }
}


/** The events of one stream entry; entries that do not parse (written by something else) are skipped. */
function decode(fields: string[]): LabEvent[] {
  const i = fields.indexOf('e')
  if (i < 0) return []
  try {
    const parsed = LabEventList.safeParse(JSON.parse(fields[i + 1]!))
    return parsed.success ? parsed.data : []
  } catch {
    return []
  }
}

const LabEventList = z.array(LabEvent)

/**
 * Event time: the wall clock, the same one the expiry watch, the oracle and the browser use. Events in the
 * same millisecond keep their order by sequence number.
 */
export function now(): number {
  return Date.now()
}
