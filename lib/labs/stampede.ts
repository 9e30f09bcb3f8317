/**
 * The stampede lab: a real burst of concurrent reads at a key as it expires, with each way of preventing the
 * stampede side by side. Content and the shapes the engine publishes; action schemas in stampede-actions.ts,
 * the pure rules in stampede-math.ts, the engine's side in server/engine/labs/stampede.ts.
 */
import type { StrategyId } from './stampede-math'
import type { LabSpec } from './types'

/** What the server allows (the actions' schemas read these; so do the controls). */
export const STAMPEDE_LIMITS = {
  burstRequests: 5000,
  rampMs: 10_000,
  keys: 100,
  servers: 8,
  ttlMs: 120_000,
  lockTtlMs: 10_000,
  maxWaitMs: 20_000,
  beta: 10,
} as const

export type BurstStart = 'expired' | 'expiring' | 'as-is'

export interface BurstShape {
  n: number
  /** 0: all at once; else request i starts at i · rampMs / (n − 1). */
  rampMs: number
  keys: number
  distribution: 'uniform' | 'zipf'
  /** The keys' state when the burst starts: just expired, expiring expireInMs into it, or left as they are. */
  start: BurstStart
  expireInMs: number
}

export interface StampedeLabState {
  strategy: StrategyId
  servers: number
  ttlMs: number
  softTtlMs: number
  lockTtlMs: number
  maxWaitMs: number
  beta: number
  leaseServesStale: boolean
  burst: BurstShape
  /** The "lock holder dies" fault is armed for the next lock or lease winner. */
  holderDies: boolean
  /** The burst running now, if any. */
  running: { id: string; strategy: StrategyId; total: number } | null
  dbLatencyMs: number
  dbJitterMs: number
}

export const DEFAULT_BURST: BurstShape = { n: 1000, rampMs: 0, keys: 1, distribution: 'uniform', start: 'expired', expireInMs: 1000 }

export const STAMPEDE_DEFAULTS: Omit<StampedeLabState, 'running' | 'holderDies' | 'dbLatencyMs' | 'dbJitterMs'> = {
  strategy: 'none',
  servers: 1,
  ttlMs: 10_000,
  softTtlMs: 5_000,
  lockTtlMs: 1_000,
  maxWaitMs: 5_000,
  beta: 1,
  leaseServesStale: false,
  burst: DEFAULT_BURST,
}

/** The database latency the lab starts with, so a query visibly costs something. */
export const DEFAULT_DB_LATENCY_MS = 50

/** One burst's totals, as the `burst` action answers and the comparison table shows. */
export interface BurstSummary {
  id: string
  strategy: StrategyId
  total: number
  servers: number
  dbQueries: number
  perServer: number[]
  outcomes: Record<'hit' | 'waited' | 'stale' | 'db' | 'error', number>
  p50: number
  p95: number
  p99: number
  maxMs: number
  stale: number
  errors: number
  peakInFlight: number
  /** From the first request to the last answer (and any background refresh). */
  ms: number
  refreshes: number
}

export const stampedeLab: LabSpec = {
  id: 'stampede',
  title: 'Cache stampedes',
  tagline: 'Being built.',
  intro: 'Being built.',
  sources: ['server/engine/labs/stampede.ts'],
  walkthrough: [{ id: 'start', title: 'Start', body: 'Being built.' }],
  questions: [{ id: 'stampede-stub', question: 'Being built?', answer: 'Yes.', tradeoff: 'None.', demo: 'stub' }],
  demos: [
    {
      id: 'stub',
      title: 'Reset the lab',
      steps: [{ do: { action: 'reset' } }],
      checks: [{ text: 'The reset marker was recorded', measure: { match: { kind: 'marker' } }, min: 1 }],
    },
  ],
}
