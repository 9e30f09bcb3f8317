/**
 * A room's metrics, derived from its events (the same events the timeline draws, so the numbers and the
 * pictures cannot disagree), plus the in-flight query gauge the database wrapper keeps.
 */
import type { LabEvent } from '../../lib/events'
import type { MetricsSnapshot } from '../../lib/protocol'

/** Latencies kept for percentiles: a ring of the most recent responses. */
const SAMPLES = 4096

export class RoomMetrics {
  requests = 0
  hits = 0
  misses = 0
  dbQueries = 0
  dbWrites = 0
  dbErrors = 0
  dbInFlight = 0
  dbInFlightPeak = 0
  staleReads = 0
  invalidations = 0
  expirations = 0
  evictions = 0
  cacheErrors = 0
  outsideOps = 0
  /** Sum and count of response latencies, for the Prometheus summary. */
  latencySum = 0
  latencyCount = 0
  private samples = new Float64Array(SAMPLES)
  private sampleCount = 0

  observe(event: LabEvent): void {
    if (event.src === 'outside') this.outsideOps += 1
    switch (event.kind) {
      case 'request':
        this.requests += 1
        break
      case 'response':
        this.latencySum += event.data.ms
        this.latencyCount += 1
        this.samples[this.sampleCount % SAMPLES] = event.data.ms
        this.sampleCount += 1
        break
      case 'hit':
        this.hits += 1
        break
      case 'miss':
        this.misses += 1
        break
      case 'query':
        this.dbQueries += 1
        break
      case 'update':
        this.dbWrites += 1
        break
      case 'db-error':
        this.dbErrors += 1
        break
      case 'stale-read':
        this.staleReads += 1
        break
      case 'del':
      case 'expire':
        if (event.src === 'app') this.invalidations += 1
        break
      case 'expired':
        this.expirations += 1
        break
      case 'evicted':
        this.evictions += 1
        break
      case 'burst':
        // A burst records its sampled requests in full and sums up the rest in its end event.
        if (event.data.phase === 'end') {
          const sampled = event.data.sampled?.length ?? 0
          this.requests += Math.max(0, event.data.total - sampled)
          this.dbQueries += Math.max(0, event.data.dbQueries - (event.data.sampledQueries ?? 0))
        }
        break
      case 'cache-error':
        this.cacheErrors += 1
        break
    }
  }

  queryStarted(): void {
    this.dbInFlight += 1
    if (this.dbInFlight > this.dbInFlightPeak) this.dbInFlightPeak = this.dbInFlight
  }

  queryEnded(): void {
    this.dbInFlight -= 1
  }

  percentile(p: number): number | null {
    const n = Math.min(this.sampleCount, SAMPLES)
    if (n === 0) return null
    const sorted = Array.from(this.samples.subarray(0, n)).sort((a, b) => a - b)
    return sorted[Math.min(n - 1, Math.ceil((p / 100) * n) - 1)]!
  }

  snapshot(): MetricsSnapshot {
    const reads = this.hits + this.misses
    return {
      requests: this.requests,
      hits: this.hits,
      misses: this.misses,
      hitRatio: reads === 0 ? null : this.hits / reads,
      dbQueries: this.dbQueries,
      dbWrites: this.dbWrites,
      dbErrors: this.dbErrors,
      dbInFlight: this.dbInFlight,
      dbInFlightPeak: this.dbInFlightPeak,
      staleReads: this.staleReads,
      invalidations: this.invalidations,
      expirations: this.expirations,
      evictions: this.evictions,
      cacheErrors: this.cacheErrors,
      outsideOps: this.outsideOps,
      latencyMs: {
        p50: this.percentile(50),
        p95: this.percentile(95),
        p99: this.percentile(99),
        count: Math.min(this.sampleCount, SAMPLES),
      },
    }
  }
}
