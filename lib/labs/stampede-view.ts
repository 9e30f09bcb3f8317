/**
 * What the stampede lab's panels draw, derived from the room's events (browser side, pure): the latest burst
 * as it runs (progress, queries in flight, the outcome histogram growing tick by tick) and once it ended, and
 * the latest comparison's rows.
 */
import type { EventOf, LabEvent } from '../events'
import { BURST_OUTCOMES, LATENCY_BOUNDS, latencyBucketLabel, type BurstOutcome, type StrategyId } from './stampede-math'

type BurstData = EventOf<'burst'>['data']

export interface BurstView {
  id: string
  strategy: StrategyId
  compare?: string
  total: number
  done: number
  dbQueries: number
  inFlight: number
  peakInFlight: number
  stale: number
  errors: number
  ms: number
  detail?: string
  running: boolean
  /** Outcome counts per 100 ms: from the progress ticks while it runs, from the end event after. */
  histogram: ({ t: number } & Record<BurstOutcome, number>)[]
  /** The end event, once there is one. */
  end?: BurstData
  /** The request ids drawn in full (their `req` on the timeline). */
  startSeq: number
}

function row(t: number, counts: readonly number[]): { t: number } & Record<BurstOutcome, number> {
  const r = { t } as { t: number } & Record<BurstOutcome, number>
  BURST_OUTCOMES.forEach((o, i) => (r[o] = counts[i] ?? 0))
  return r
}

/** The latest burst in the events (optionally the latest of one comparison), or undefined. */
export function latestBurst(events: readonly LabEvent[]): BurstView | undefined {
  let start = -1
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!
    if (e.kind === 'burst' && e.data.phase === 'start') {
      start = i
      break
    }
  }
  if (start < 0) return undefined
  const first = events[start] as EventOf<'burst'>
  const id = first.data.id
  const view: BurstView = {
    id,
    strategy: first.data.strategy as StrategyId,
    compare: first.data.compare,
    total: first.data.total,
    done: 0,
    dbQueries: 0,
    inFlight: 0,
    peakInFlight: 0,
    stale: 0,
    errors: 0,
    ms: 0,
    detail: first.data.detail,
    running: true,
    histogram: [],
    startSeq: first.seq,
  }
  let tick = 0
  for (let i = start + 1; i < events.length; i++) {
    const e = events[i]!
    if (e.kind !== 'burst' || e.data.id !== id) continue
    const d = e.data
    Object.assign(view, {
      done: d.done,
      dbQueries: d.dbQueries,
      inFlight: d.inFlight,
      peakInFlight: d.peakInFlight,
      stale: d.stale,
      errors: d.errors,
      ms: d.ms,
    })
    if (d.phase === 'progress' && d.tick) view.histogram.push(row((tick++ * 100) / 1000, d.tick))
    if (d.phase === 'end') {
      view.running = false
      view.end = d
      const width = d.bucketMs ?? 100
      view.histogram = (d.buckets ?? []).map((b, j) => row((j * width) / 1000, b))
    }
  }
  return view
}

/** The latency distribution of an ended burst, one bar per bucket that has requests (and those between). */
export function latencyBars(end: BurstData | undefined): { bucket: string; requests: number }[] {
  const counts = end?.latency ?? []
  const last = counts.findLastIndex((c) => c > 0)
  const firstNonZero = counts.findIndex((c) => c > 0)
  if (last < 0) return []
  return counts
    .slice(firstNonZero, last + 1)
    .map((c, i) => ({ bucket: latencyBucketLabel(firstNonZero + i), requests: c }))
}

export const LATENCY_BUCKETS = LATENCY_BOUNDS.length + 1

/** The latest comparison: the end event of each strategy it ran, in order. */
export function latestComparison(events: readonly LabEvent[]): { compare: string; rows: BurstData[] } | undefined {
  let compare: string | undefined
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!
    if (e.kind === 'burst' && e.data.compare) {
      compare = e.data.compare
      break
    }
  }
  if (!compare) return undefined
  const rows = events
    .filter(
      (e): e is EventOf<'burst'> & LabEvent =>
        e.kind === 'burst' && e.data.phase === 'end' && e.data.compare === compare,
    )
    .map((e) => e.data)
  return { compare, rows }
}

/** The latest ended burst of an early-expiration strategy (its refreshes are the plot's dots). */
export function latestEarlyBurst(events: readonly LabEvent[]): BurstData | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!
    if (
      e.kind === 'burst' &&
      e.data.phase === 'end' &&
      (e.data.strategy === 'xfetch' || e.data.strategy === 'early-linear')
    )
      return e.data
  }
  return undefined
}
