/**
 * The recorder is the only sink for events. It numbers them per room, appends them to the room's Redis
 * Stream in pipelined batches, and hands them to the room's browsers in batches: at most one message per
 * room every ~50 ms, never one per event.
 *
 * Stream layout: one entry per turn of the event loop's events (up to ENTRY_EVENTS of them, field `e` holds
 * a JSON array), and the entry id is `<last seq in the entry>-0`. So `XRANGE (<after>-0 +` returns exactly
 * the entries holding events after `after`, and `MINID ~ <seq - maxLen>` keeps the last maxLen events. One
 * XADD per entry instead of one per event keeps the recorder's cost on Redis far below the work it records.
 * An entry is serialized as soon as its turn ends and waits as bytes while an earlier append is on its way,
 * so events are short-lived objects however long Redis takes to answer.
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

/**
 * Events serialized for one stream entry: what waits for Redis is one buffer, not thousands of objects. The
 * JSON is encoded to bytes once, here: handed a string, ioredis would measure it, concatenate it into the
 * command and encode it again on the socket, and for a busy room that was most of what recording cost.
 */
interface Chunk {
  first: number
  last: number
  count: number
  bytes: Buffer
}

interface RoomLog {
  seq: number
  /** Recorded this turn of the event loop, not yet serialized. */
  pending: LabEvent[]
  /** Serialized, waiting for the next append. */
  queued: Chunk[]
  /** Being appended right now. */
  inflight: Chunk[]
  /** Appends that failed (Redis down), retried first on the next append. */
  backlog: Chunk[]
  backlogEvents: number
  /** Serialized events a browser will be sent once their append has been attempted (watched rooms only). */
  held: LabEvent[]
  /** Appended (or attempted), not yet sent to browsers. */
  unsent: LabEvent[]
  sealScheduled: boolean
  appending: boolean
  retryTimer: NodeJS.Timeout | undefined
  emitTimer: NodeJS.Timeout | undefined
  lastEmit: number
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
      queued: [],
      inflight: [],
      backlog: [],
      backlogEvents: 0,
      held: [],
      unsent: [],
      sealScheduled: false,
      appending: false,
      retryTimer: undefined,
      emitTimer: undefined,
      lastEmit: 0,
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
    if (!r.sealScheduled) {
      r.sealScheduled = true
      setImmediate(() => this.seal(room, r))
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
      for (const chunk of [...r.backlog, ...r.inflight, ...r.queued]) {
        if (chunk.last <= after) continue
        for (const event of JSON.parse(chunk.bytes.toString()) as LabEvent[]) if (event.seq > after) byId.set(event.seq, event)
      }
      for (const event of r.pending) if (event.seq > after) byId.set(event.seq, event)
      const memFirst = memoryFirstSeq(r)
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
    return (r && memoryFirstSeq(r)) ?? 0
  }

  /** Resolves once everything recorded so far was appended (or attempted) and sent. */
  flush(room: string): Promise<void> {
    const r = this.rooms.get(room)
    if (!r || drained(r)) return Promise.resolve()
    return new Promise((resolve) => r.drained.push(resolve))
  }

  /** Stops recording for a room (after flushing what it has). */
  async close(room: string): Promise<void> {
    await this.flush(room)
    const r = this.rooms.get(room)
    if (r) {
      clearTimeout(r.emitTimer)
      clearTimeout(r.retryTimer)
    }
    this.rooms.delete(room)
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.rooms.keys()].map((room) => this.close(room)))
  }

  /**
   * Serializes what this turn of the event loop recorded, so the objects die young: under a heavy load the
   * events waiting for Redis's answer would otherwise outlive several garbage collections each, and copying
   * them cost more than everything else the recorder does.
   */
  private seal(room: string, r: RoomLog): void {
    r.sealScheduled = false
    const events = r.pending
    if (events.length === 0) return
    r.pending = []
    for (let i = 0; i < events.length; i += ENTRY_EVENTS) {
      const part = events.length <= ENTRY_EVENTS ? events : events.slice(i, i + ENTRY_EVENTS)
      r.queued.push({ first: part[0]!.seq, last: part.at(-1)!.seq, count: part.length, bytes: Buffer.from(JSON.stringify(part)) })
    }
    if (this.opts.watched?.(room) ?? true) {
      for (const event of events) r.held.push(event)
    }
    if (!r.appending) void this.append(room, r)
  }

  private async append(room: string, r: RoomLog): Promise<void> {
    if (r.queued.length === 0 && r.backlog.length === 0) return
    r.appending = true
    clearTimeout(r.retryTimer)
    r.retryTimer = undefined
    r.inflight = r.backlog.concat(r.queued)
    r.backlog = []
    r.backlogEvents = 0
    r.queued = []
    const key = roomKeys(room).events
    const pipeline = this.redis.pipeline()
    for (const chunk of r.inflight) {
      const minId = Math.max(0, chunk.last - this.opts.maxLen)
      pipeline.xadd(key, 'MINID', '~', `${minId}-0`, `${chunk.last}-0`, 'e', chunk.bytes)
    }
    let failed: Chunk[] = []
    try {
      const results = (await pipeline.exec()) ?? []
      results.forEach(([err], i) => {
        // An id at or below the stream's top means the entry is already there (a retried append).
        if (err && !/equal or smaller/i.test(err.message)) failed.push(r.inflight[i]!)
      })
    } catch {
      failed = r.inflight
    }
    const attemptedUpTo = r.inflight.reduce((top, chunk) => Math.max(top, chunk.last), 0)
    r.inflight = []
    r.appending = false
    if (failed.length > 0) this.keepForRetry(room, r, failed)
    // Browsers get events only once their append was attempted (see the ordering guarantee above).
    let sent = 0
    while (sent < r.held.length && r.held[sent]!.seq <= attemptedUpTo) sent += 1
    if (sent > 0) {
      for (const event of r.held.splice(0, sent)) r.unsent.push(event)
    }
    this.scheduleEmit(room, r)
    this.settle(r)
    if (r.queued.length > 0) void this.append(room, r)
  }

  /** Puts failed chunks back in front of the backlog (capped), and retries in a while if nothing else does. */
  private keepForRetry(room: string, r: RoomLog, failed: Chunk[]): void {
    r.backlog = failed.concat(r.backlog)
    r.backlogEvents = r.backlog.reduce((n, chunk) => n + chunk.count, 0)
    let dropped = 0
    while (r.backlogEvents > this.maxBacklog && r.backlog.length > 1) {
      const chunk = r.backlog.shift()!
      r.backlogEvents -= chunk.count
      dropped += chunk.count
    }
    if (dropped > 0) log.warn(`room ${room}: Redis unavailable, dropped ${dropped} events from the stream backlog`)
    r.retryTimer = setTimeout(() => {
      r.retryTimer = undefined
      if (!r.appending && this.rooms.get(room) === r) void this.append(room, r)
    }, 500)
    r.retryTimer.unref()
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
    if (drained(r)) {
      for (const resolve of r.drained.splice(0)) resolve()
    }
  }
}

function drained(r: RoomLog): boolean {
  return (
    r.pending.length === 0 &&
    r.queued.length === 0 &&
    r.inflight.length === 0 &&
    r.held.length === 0 &&
    r.unsent.length === 0
  )
}

function memoryFirstSeq(r: RoomLog): number | undefined {
  return r.backlog[0]?.first ?? r.inflight[0]?.first ?? r.queued[0]?.first ?? r.pending[0]?.seq
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
