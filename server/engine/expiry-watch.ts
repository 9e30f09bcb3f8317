/**
 * Makes Redis report expirations on time. Redis sends `expired` only when it actually removes a key: on
 * access, or when its background cycle happens to sample it, which on a server with many keys on TTLs can be
 * seconds late (measured here: 43 of 1000 expiries within 20 s with 100k other keys). So at each known
 * deadline the watch asks Redis for the key's PTTL; the lookup makes Redis expire it there and then, and the
 * `expired` notification that follows is still Redis's own.
 */
import type { Redis } from 'ioredis'
import { MinHeap } from './min-heap'

export class ExpiryWatch {
  private heap = new MinHeap<string>()
  /** The current deadline per key; heap entries with another deadline are stale and skipped. */
  private deadlines = new Map<string, number>()
  /** Deadlines of keys just checked, kept briefly so the `expired` event can say how late it was. */
  private recent = new Map<string, number>()
  private timer: NodeJS.Timeout | undefined
  private timerAt = Infinity
  private stopped = false

  constructor(private readonly redis: Redis) {}

  /** Watch a key that should expire at `deadline` (ms since the epoch). Replaces an earlier deadline. */
  schedule(fullKey: string, deadline: number): void {
    if (this.stopped) return
    this.deadlines.set(fullKey, deadline)
    this.heap.push(deadline, fullKey)
    if (deadline < this.timerAt) this.arm(deadline)
  }

  cancel(fullKey: string): void {
    this.deadlines.delete(fullKey)
  }

  /** Forget every key under a prefix (a room going away). */
  cancelPrefix(prefix: string): void {
    for (const key of this.deadlines.keys()) if (key.startsWith(prefix)) this.deadlines.delete(key)
  }

  /** The deadline a key had, if the watch knew it: for the `expired` event's lateness. */
  takeDeadline(fullKey: string): number | undefined {
    const d = this.deadlines.get(fullKey) ?? this.recent.get(fullKey)
    this.deadlines.delete(fullKey)
    this.recent.delete(fullKey)
    return d
  }

  get watching(): number {
    return this.deadlines.size
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    this.heap.clear()
    this.deadlines.clear()
  }

  private arm(at: number): void {
    clearTimeout(this.timer)
    this.timerAt = at
    this.timer = setTimeout(() => void this.fire(), Math.max(0, at - Date.now()))
    this.timer.unref()
  }

  private async fire(): Promise<void> {
    this.timerAt = Infinity
    const now = Date.now()
    const due: string[] = []
    for (let top = this.heap.peek(); top && top.at <= now; top = this.heap.peek()) {
      this.heap.pop()
      if (this.deadlines.get(top.value) === top.at) due.push(top.value)
    }
    const next = this.heap.peek()
    if (next) this.arm(next.at)
    if (due.length === 0) return
    const pipeline = this.redis.pipeline()
    for (const key of due) pipeline.pttl(key)
    let results: [Error | null, unknown][] | null = null
    try {
      results = await pipeline.exec()
    } catch {
      results = null
    }
    const after = Date.now()
    due.forEach((key, i) => {
      const deadline = this.deadlines.get(key)
      if (deadline === undefined) return
      const [err, pttl] = results?.[i] ?? [new Error('no reply'), null]
      if (err || typeof pttl !== 'number') {
        // Redis unreachable: look again shortly rather than lose the key.
        this.schedule(key, after + 250)
      } else if (pttl === -2) {
        // Gone (expired by this lookup, or deleted): the notification carries on from here.
        this.deadlines.delete(key)
        this.recent.set(key, deadline)
        if (this.recent.size > 10_000) this.recent.delete(this.recent.keys().next().value!)
      } else if (pttl === -1) {
        this.deadlines.delete(key)
      } else {
        this.schedule(key, after + Math.max(1, pttl))
      }
    })
  }
}
