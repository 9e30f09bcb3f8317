/**
 * Sums up a burst as it runs, so thousands of requests cost a few events: outcome counts per time bucket,
 * latencies (for percentiles and the distribution), database queries (exact, per app server) and how many
 * are in flight, and the time to expiry at each early refresh. Pure: times are passed in.
 */
import {
  BURST_OUTCOMES,
  LATENCY_BOUNDS,
  latencyBucket,
  percentileOf,
  type BurstOutcome,
} from '../../../lib/labs/stampede-math'

/** Early refreshes whose time to expiry is kept (the plot's dots); the count stays exact. */
const MAX_REFRESH_POINTS = 500
/** Buckets of the outcome histogram; later answers land in the last one. */
const MAX_BUCKETS = 600

export class BurstTally {
  done = 0
  dbQueries = 0
  /** Queries made by requests recorded in full (their `query` events already count them). */
  sampledQueries = 0
  inFlight = 0
  peakInFlight = 0
  refreshes = 0
  readonly refreshAt: number[] = []
  readonly perServer: number[]
  readonly outcomes: Record<BurstOutcome, number> = { hit: 0, waited: 0, stale: 0, db: 0, error: 0 }
  private readonly latencies: number[] = []
  private readonly buckets: number[][] = []
  private tick = BURST_OUTCOMES.map(() => 0)

  constructor(
    readonly total: number,
    servers: number,
    readonly bucketMs = 100,
  ) {
    this.perServer = Array.from({ length: servers }, () => 0)
  }

  queryStarted(server: number, sampled: boolean): void {
    this.dbQueries += 1
    if (sampled) this.sampledQueries += 1
    this.perServer[server] = (this.perServer[server] ?? 0) + 1
    this.inFlight += 1
    if (this.inFlight > this.peakInFlight) this.peakInFlight = this.inFlight
  }

  queryEnded(): void {
    this.inFlight -= 1
  }

  refreshed(remainingMs: number): void {
    this.refreshes += 1
    if (this.refreshAt.length < MAX_REFRESH_POINTS) this.refreshAt.push(Math.round(remainingMs))
  }

  /** A request answered (or failed) `atMs` after the burst started, having taken `latencyMs`. */
  finished(outcome: BurstOutcome, latencyMs: number, atMs: number): void {
    this.done += 1
    this.outcomes[outcome] += 1
    this.latencies.push(latencyMs)
    const i = BURST_OUTCOMES.indexOf(outcome)
    const b = Math.min(MAX_BUCKETS - 1, Math.max(0, Math.floor(atMs / this.bucketMs)))
    while (this.buckets.length <= b) this.buckets.push(BURST_OUTCOMES.map(() => 0))
    this.buckets[b]![i]! += 1
    this.tick[i]! += 1
  }

  /** Outcome counts since the previous call (a progress event's `tick`). */
  takeTick(): number[] {
    const t = this.tick
    this.tick = BURST_OUTCOMES.map(() => 0)
    return t
  }

  get stale(): number {
    return this.outcomes.stale
  }

  get errors(): number {
    return this.outcomes.error
  }

  /** Percentiles, the slowest, the distribution over LATENCY_BOUNDS, and the histogram over time. */
  figures() {
    const sorted = Float64Array.from(this.latencies).sort()
    const round = (ms: number) => Math.round(ms * 100) / 100
    const latency = Array.from({ length: LATENCY_BOUNDS.length + 1 }, () => 0)
    for (const ms of this.latencies) latency[latencyBucket(ms)]! += 1
    return {
      p50: round(percentileOf(sorted, 50)),
      p95: round(percentileOf(sorted, 95)),
      p99: round(percentileOf(sorted, 99)),
      maxMs: round(sorted.length ? sorted[sorted.length - 1]! : 0),
      latency,
      buckets: this.buckets.map((b) => [...b]),
    }
  }
}
