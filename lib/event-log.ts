/**
 * The browser's copy of a room's events: kept in sequence order with no holes. Live batches that arrive
 * ahead of what the log holds wait aside until a replay fills the hole; duplicates (an event both replayed
 * and received live) are dropped. The oldest events are let go past a cap, so the log is always one
 * contiguous run of sequence numbers ending at the newest event.
 */
import type { LabEvent } from './events'

export const DEFAULT_CAP = 10_000

export class EventLog {
  private list: LabEvent[] = []
  private ahead = new Map<number, LabEvent>()
  /** Sequence number of the last event held (or the point the log starts after, before any arrive). */
  private last: number
  /** Bumped on every change; views compare it to know when to redraw. */
  version = 0

  constructor(
    after = 0,
    private readonly cap = DEFAULT_CAP,
  ) {
    this.last = after
  }

  get events(): readonly LabEvent[] {
    return this.list
  }

  get lastSeq(): number {
    return this.last
  }

  get firstSeq(): number {
    return this.list[0]?.seq ?? this.last + 1
  }

  /** True while events newer than the log's end are waiting for a hole to be filled. */
  get hasGap(): boolean {
    return this.ahead.size > 0
  }

  /**
   * Adds events (any order, duplicates allowed). Returns the events that joined the log, in order, so views
   * can update incrementally.
   */
  add(events: readonly LabEvent[]): LabEvent[] {
    for (const e of events) if (e.seq > this.last) this.ahead.set(e.seq, e)
    const added: LabEvent[] = []
    for (let next = this.ahead.get(this.last + 1); next; next = this.ahead.get(this.last + 1)) {
      this.ahead.delete(next.seq)
      this.list.push(next)
      added.push(next)
      this.last = next.seq
    }
    if (this.list.length > this.cap) this.list.splice(0, this.list.length - this.cap)
    if (added.length > 0) this.version += 1
    return added
  }

  /**
   * The server no longer holds events up to `firstAvailable - 1` (its stream was trimmed): stop waiting for
   * them and continue from there.
   */
  skipTo(firstAvailable: number): LabEvent[] {
    if (firstAvailable - 1 <= this.last) return []
    this.last = firstAvailable - 1
    this.list = []
    // Events that waited for the hole but are now at or below the new start are gone with it.
    for (const seq of this.ahead.keys()) if (seq <= this.last) this.ahead.delete(seq)
    this.version += 1
    return this.add([])
  }

  clear(after: number): void {
    this.list = []
    this.ahead.clear()
    this.last = after
    this.version += 1
  }
}
