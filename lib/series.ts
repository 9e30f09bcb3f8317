/**
 * Chart series from events: per-second buckets of hits, misses, database queries and stale reads, built
 * incrementally as events arrive, and read back downsampled so no series draws more than `maxPoints`.
 */
import type { LabEvent } from './events'

export interface Bucket {
  /** Start of the bucket, ms since the epoch. */
  t: number
  hits: number
  misses: number
  queries: number
  stale: number
  requests: number
}

export interface Point {
  /** Seconds since the first bucket. */
  s: number
  /** Hit ratio in percent, null when the bucket had no reads. */
  hitRatio: number | null
  /** Per second. */
  queries: number
  stale: number
  requests: number
}

export class Series {
  private buckets: Bucket[] = []

  constructor(private readonly bucketMs = 1000) {}

  add(events: readonly LabEvent[]): void {
    for (const e of events) {
      const field = FIELD[e.kind]
      if (!field) continue
      this.bucketAt(e.time)[field] += 1
    }
  }

  clear(): void {
    this.buckets = []
  }

  get size(): number {
    return this.buckets.length
  }

  /** The series, merged into wider buckets when there are more than maxPoints of them. */
  points(maxPoints = 1000): Point[] {
    const n = this.buckets.length
    if (n === 0) return []
    const group = Math.ceil(n / maxPoints)
    const t0 = this.buckets[0]!.t
    const out: Point[] = []
    for (let i = 0; i < n; i += group) {
      const slice = this.buckets.slice(i, i + group)
      const sum = (f: keyof Omit<Bucket, 't'>) => slice.reduce((a, b) => a + b[f], 0)
      const hits = sum('hits')
      const reads = hits + sum('misses')
      const seconds = (slice.length * this.bucketMs) / 1000
      out.push({
        s: Math.round((slice[0]!.t - t0) / 1000),
        hitRatio: reads === 0 ? null : Math.round((hits / reads) * 1000) / 10,
        queries: round1(sum('queries') / seconds),
        stale: round1(sum('stale') / seconds),
        requests: round1(sum('requests') / seconds),
      })
    }
    return out
  }

  private bucketAt(time: number): Bucket {
    const t = Math.floor(time / this.bucketMs) * this.bucketMs
    let last = this.buckets.at(-1)
    if (last && t === last.t) return last
    if (last && t < last.t) {
      // An event older than the newest bucket (replayed history): find its bucket, or make one in order.
      const i = this.buckets.findIndex((b) => b.t >= t)
      if (this.buckets[i]?.t === t) return this.buckets[i]!
      const b = empty(t)
      this.buckets.splice(i, 0, b)
      return b
    }
    // Fill quiet seconds with empty buckets so time on the x axis stays even.
    for (let f = last ? last.t + this.bucketMs : t; f < t; f += this.bucketMs) this.buckets.push(empty(f))
    last = empty(t)
    this.buckets.push(last)
    return last
  }
}

const FIELD: Partial<Record<LabEvent['kind'], keyof Omit<Bucket, 't'>>> = {
  hit: 'hits',
  miss: 'misses',
  query: 'queries',
  'stale-read': 'stale',
  request: 'requests',
}

function empty(t: number): Bucket {
  return { t, hits: 0, misses: 0, queries: 0, stale: 0, requests: 0 }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10
}
