/**
 * The races lab's vocabulary, shared by the engine and the browser: the strategies it compares, the
 * interleaving's steps as the panel draws them, the settings and their bounds, and the randomised mode's
 * results. Plain data and types (no zod): the action schemas in races-actions.ts read the bounds from here.
 */

/** The strategies run against the same interleaving. */
export const RACE_STRATEGIES = {
  naive: {
    label: 'Naive',
    title: 'Plain cache-aside: the writer DELs the key, a reader SETs what it read',
  },
  versioned: {
    label: 'Version-checked',
    title: 'The delete leaves a tombstone with the new version; a Lua fill refuses anything older',
  },
  lease: {
    label: 'Leases',
    title: 'A miss hands out a lease token, a delete revokes it, and only the token holder may fill',
  },
  'double-delete': {
    label: 'Double delete',
    title: 'The writer deletes, waits, and deletes again',
  },
} as const
export type RaceStrategyId = keyof typeof RACE_STRATEGIES
export const RACE_STRATEGY_IDS = Object.keys(RACE_STRATEGIES) as RaceStrategyId[]

/** A: the reader whose fill races. B: the writer. C: a third client that reads afterwards. */
export type RaceActor = 'A' | 'B' | 'C'

/**
 * One step of the interleaving. lookup: A looks in the cache. select: A reads the row. update: B writes the
 * row. invalidate: B's invalidation. fill: A stores what it read. delete-again: B's second delete (double
 * delete). read: C reads through the cache.
 */
export type RaceOp = 'lookup' | 'select' | 'update' | 'invalidate' | 'fill' | 'delete-again' | 'read'

export interface RaceStepView {
  actor: RaceActor
  op: RaceOp
  /** The operation, as it goes to Redis or the database: "GET user:1". */
  text: string
  /** Delayed double delete only: when the step lands, in ms after B's first delete. */
  atMs?: number
  status: 'pending' | 'running' | 'done'
  /** What it found or did, once done. */
  result?: string
  /** Whether the result is the race going wrong (bad) or being stopped (good). */
  tone?: 'good' | 'bad'
}

/** What the cache and the database hold for the interleaving's key, read after each step. */
export interface RaceValues {
  /** When these were read (ms since the epoch), so TTLs can count down. */
  at: number
  cache: { version: number | null; ttlMs: number | null } | null
  tombstone: { version: number | null; ttlMs: number | null } | null
  lease: { token: string; ttlMs: number | null } | null
  /** The row's version in the database. */
  db: number | null
  /** The version A read, the lease token A holds, the version B wrote. */
  aRow: number | null
  aLease: string | null
  bWrote: number | null
}

/** Bounds of every setting; the server's schemas and the UI's sliders both read them. */
export const RACE_LIMITS = {
  /** Double delete: how long B waits before its second delete. */
  delayMs: { min: 0, max: 3000, default: 500 },
  /** Double delete: how long after B's first delete A's stale fill lands. */
  fillLagMs: { min: 0, max: 3000, default: 250 },
  /** TTL of cached values (and of tombstones). */
  ttlSeconds: { min: 1, max: 300, default: 30 },
  /** Pause between steps when auto-playing. */
  intervalMs: { min: 200, max: 3000, default: 900 },
  /** Randomised mode, per strategy. */
  readers: { min: 1, max: 12, default: 8 },
  writers: { min: 1, max: 8, default: 4 },
  durationMs: { min: 1000, max: 10_000, default: 6000 },
  keys: { min: 1, max: 5, default: 4 },
  /** Randomised mode: a reader pauses up to this long between its query and its fill (GC, a slow network). */
  fillPauseMs: { min: 0, max: 1000, default: 400 },
  /** Randomised mode: a reader's pause between reads, and a writer's between writes (each ± 50 %). */
  readGapMs: { min: 20, max: 1000, default: 60 },
  writeGapMs: { min: 20, max: 5000, default: 1000 },
} as const

/** The data key the interleaving races on. */
export const RACE_USER = 1

/** Database profiles: the room's latency per query and its jitter, as one choice. */
export const DB_PROFILES = {
  instant: { label: 'Instant', ms: 0, jitterMs: 0 },
  fast: { label: '5 ± 5 ms', ms: 5, jitterMs: 5 },
  slow: { label: '50 ± 20 ms', ms: 50, jitterMs: 20 },
  jittery: { label: '20 ± 80 ms', ms: 20, jitterMs: 80 },
} as const
export type DbProfile = keyof typeof DB_PROFILES

/** The randomised mode's settings (what the `race` action takes). */
export interface RandomSettings {
  readers: number
  writers: number
  durationMs: number
  keys: number
  fillPauseMs: number
  readGapMs: number
  writeGapMs: number
  strategies: RaceStrategyId[]
}

/** One strategy's figures from a randomised run. */
export interface RandomResult {
  strategy: RaceStrategyId
  /** User ids its readers and writers used. */
  users: number[]
  reads: number
  hits: number
  writes: number
  /** Reads the oracle found stale, and the oldest of them (ms since the database moved on). */
  staleReads: number
  /** Of those, reads of a value a stale fill had put back (the others fell between a commit and its delete). */
  staleReadsAfterFills: number
  maxStaleReadMs: number
  /** Fills that stored a row older than the database held at that moment (the race, lost). */
  staleFills: number
  /** Fills a fix stopped: refused (version check) or rejected (lease). */
  stoppedFills: number
  /** Periods in which the cache held an older version than the database, per key. */
  windows: { count: number; maxMs: number; totalMs: number }
}

export interface RandomRun {
  settings: RandomSettings & { ttlSeconds: number; delayMs: number; dbLatencyMs: number; dbJitterMs: number }
  startedAt: number
  finishedAt: number | null
  /** 0 to 1. */
  progress: number
  results: RandomResult[]
}

export interface LabStat {
  label: string
  value: string | number
  hint?: string
  warn?: boolean
}

/** Every finished run with the same settings, added up: one run is noisy, several converge. */
export interface RandomTotals {
  runs: number
  /** Counts summed; the longest window and the oldest stale read are the largest seen. */
  results: RandomResult[]
}

/** The races lab's state as the engine publishes it. */
export interface RacesLabState {
  strategy: RaceStrategyId
  delayMs: number
  fillLagMs: number
  ttlSeconds: number
  intervalMs: number
  playing: boolean
  /** The data key the interleaving races on. */
  key: string
  steps: RaceStepView[]
  /** Index of the next step to run; steps.length when the interleaving is over. */
  next: number
  /** C's read: did it get the current version? null until C has read. */
  outcome: 'stale' | 'fresh' | null
  /** The last "C reads again" since the interleaving started: stale or not, and where the value came from. */
  reread: { stale: boolean; version: number | null; from: 'l1' | 'cache' | 'db' | 'none' } | null
  values: RaceValues | null
  random: RandomRun | null
  randomTotals: RandomTotals | null
  /** The database profile picked last; 'custom' after a latency set some other way. */
  dbProfile: DbProfile | 'custom'
  dbLatencyMs: number
  dbJitterMs: number
  stats: LabStat[]
}
