/**
 * The stampede lab's pure parts, shared by the engine and the browser: the strategies' names, the two early
 * refresh rules (and their probability curves, which the XFetch plot draws), the outcome and latency buckets
 * a burst is summed up in, and the key a burst request picks (uniform or Zipf).
 */

export const STRATEGIES = ['none', 'lock', 'coalescing', 'early-linear', 'xfetch', 'soft', 'leases'] as const
export type StrategyId = (typeof STRATEGIES)[number]

export const STRATEGY_LABELS: Record<StrategyId, string> = {
  none: 'No protection',
  lock: 'Lock (SET NX PX)',
  coalescing: 'Request coalescing',
  'early-linear': 'Early expiration (linear)',
  xfetch: 'Early expiration (XFetch)',
  soft: 'Soft vs hard expiry',
  leases: 'Leases',
}

/** Short names, for chart axes. */
export const STRATEGY_SHORT: Record<StrategyId, string> = {
  none: 'none',
  lock: 'lock',
  coalescing: 'coalescing',
  'early-linear': 'linear',
  xfetch: 'XFetch',
  soft: 'soft',
  leases: 'leases',
}

/** How one request of a burst was answered. */
export const BURST_OUTCOMES = ['hit', 'waited', 'stale', 'db', 'error'] as const
export type BurstOutcome = (typeof BURST_OUTCOMES)[number]

export const OUTCOME_LABELS: Record<BurstOutcome, string> = {
  hit: 'cache hit',
  waited: 'waited, then cache',
  stale: 'stale value served',
  db: 'queried the database',
  error: 'error',
}

/** Upper bounds (ms) of the latency distribution's buckets; one more bucket holds everything slower. */
export const LATENCY_BOUNDS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] as const

/** The bucket a latency falls in (LATENCY_BOUNDS.length for slower than the last bound). */
export function latencyBucket(ms: number): number {
  const i = LATENCY_BOUNDS.findIndex((b) => ms <= b)
  return i < 0 ? LATENCY_BOUNDS.length : i
}

export function latencyBucketLabel(i: number): string {
  if (i >= LATENCY_BOUNDS.length) return `> ${LATENCY_BOUNDS.at(-1)} ms`
  const lo = i === 0 ? 0 : LATENCY_BOUNDS[i - 1]!
  return `${lo}–${LATENCY_BOUNDS[i]} ms`
}

/**
 * The simple rule: refresh with probability 1 − remaining / original TTL. At half the TTL, every other read
 * refreshes; near the end almost every read does.
 */
export function linearRefreshProbability(remainingMs: number, ttlMs: number): number {
  if (ttlMs <= 0 || remainingMs <= 0) return 1
  return Math.min(1, Math.max(0, 1 - remainingMs / ttlMs))
}

export function linearShouldRefresh(remainingMs: number, ttlMs: number, random: number): boolean {
  return random < linearRefreshProbability(remainingMs, ttlMs)
}

/**
 * XFetch (Vattani, Chierichetti, Lowenstein): refresh when `now − Δ·β·ln(random) ≥ expiry`, where Δ is how
 * long the value took to recompute and β ≥ 0 tunes how early (1 is the paper's default; larger is earlier).
 * `random` is uniform in (0, 1]; ln(random) ≤ 0, so the left side is now plus a random head start that grows
 * with Δ and β.
 */
export function xfetchShouldRefresh(
  now: number,
  expiry: number,
  deltaMs: number,
  beta: number,
  random: number,
): boolean {
  const r = random <= 0 ? Number.MIN_VALUE : random
  return now - deltaMs * beta * Math.log(r) >= expiry
}

/**
 * The chance one read refreshes under XFetch with this much time left: P(−Δβ·ln U ≥ remaining) =
 * exp(−remaining / (Δβ)) for U uniform. 1 at (or past) the expiry; 0 for β or Δ of 0 before it.
 */
export function xfetchProbability(remainingMs: number, deltaMs: number, beta: number): number {
  if (remainingMs <= 0) return 1
  const scale = deltaMs * beta
  if (scale <= 0) return 0
  return Math.exp(-remainingMs / scale)
}

/** Picks a key index in [0, keys): uniform, or Zipf with exponent 1 (index 0 the hottest), from a random in [0, 1). */
export function pickKey(keys: number, distribution: 'uniform' | 'zipf', random: number): number {
  if (keys <= 1) return 0
  if (distribution === 'uniform') return Math.min(keys - 1, Math.floor(random * keys))
  const weights = zipfCdf(keys)
  const target = random * weights[keys - 1]!
  let lo = 0
  let hi = keys - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (weights[mid]! > target) hi = mid
    else lo = mid + 1
  }
  return lo
}

const cdfs = new Map<number, number[]>()
/** Cumulative weights 1/1, 1/1 + 1/2, … for `keys` keys. */
function zipfCdf(keys: number): number[] {
  let cdf = cdfs.get(keys)
  if (!cdf) {
    cdf = []
    let sum = 0
    for (let i = 1; i <= keys; i++) {
      sum += 1 / i
      cdf.push(sum)
    }
    cdfs.set(keys, cdf)
  }
  return cdf
}

/** The value of percentile p (0–100) of sorted values, nearest rank; 0 for none. */
export function percentileOf(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length
  if (n === 0) return 0
  return sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]!
}
