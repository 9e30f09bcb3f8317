import { describe, expect, it } from 'vitest'
import {
  latencyBucket,
  LATENCY_BOUNDS,
  linearRefreshProbability,
  linearShouldRefresh,
  percentileOf,
  pickKey,
  xfetchProbability,
  xfetchShouldRefresh,
} from './stampede-math'

describe('XFetch: refresh when now − Δ·β·ln(random) ≥ expiry', () => {
  it('matches the formula for fixed randoms', () => {
    const expiry = 10_000
    // Δ = 100 ms, β = 1, random = e^-2: head start 200 ms, so it refreshes from 9800 ms on.
    const r = Math.exp(-2)
    expect(xfetchShouldRefresh(9799, expiry, 100, 1, r)).toBe(false)
    expect(xfetchShouldRefresh(9800.001, expiry, 100, 1, r)).toBe(true)
    // β doubles the head start.
    expect(xfetchShouldRefresh(9600.001, expiry, 100, 2, r)).toBe(true)
    expect(xfetchShouldRefresh(9599, expiry, 100, 2, r)).toBe(false)
    for (const [now, delta, beta, random] of [
      [9000, 50, 1, 0.3],
      [9950, 50, 1, 0.3],
      [5000, 2000, 3, 0.01],
      [9999, 1, 0.5, 0.999],
    ] as const) {
      expect(xfetchShouldRefresh(now, expiry, delta, beta, random)).toBe(
        now - delta * beta * Math.log(random) >= expiry,
      )
    }
  })

  it('always refreshes at or past the expiry, never early with β = 0 or Δ = 0, and survives random = 0', () => {
    expect(xfetchShouldRefresh(10_000, 10_000, 100, 1, 0.9999)).toBe(true)
    expect(xfetchShouldRefresh(12_000, 10_000, 100, 0, 0.5)).toBe(true)
    expect(xfetchShouldRefresh(9999, 10_000, 100, 0, 0.0001)).toBe(false)
    expect(xfetchShouldRefresh(9999, 10_000, 0, 5, 0.0001)).toBe(false)
    expect(xfetchShouldRefresh(0, 10_000, 100, 1, 0)).toBe(true)
  })

  it('its probability curve is exp(−remaining / Δβ), and agrees with the decision over many draws', () => {
    expect(xfetchProbability(0, 100, 1)).toBe(1)
    expect(xfetchProbability(100, 100, 1)).toBeCloseTo(Math.exp(-1))
    expect(xfetchProbability(200, 100, 2)).toBeCloseTo(Math.exp(-1))
    expect(xfetchProbability(100, 100, 0)).toBe(0)
    // Stratified draws u = (i + 0.5) / n: the fraction that refresh is the probability, within 1/n.
    const n = 10_000
    let refreshed = 0
    for (let i = 0; i < n; i++) if (xfetchShouldRefresh(9850, 10_000, 100, 1, (i + 0.5) / n)) refreshed += 1
    expect(refreshed / n).toBeCloseTo(xfetchProbability(150, 100, 1), 3)
  })
})

describe('the linear rule: 1 − remaining / TTL', () => {
  it('is 0 when fresh, ½ at half-life, 1 at expiry', () => {
    expect(linearRefreshProbability(10_000, 10_000)).toBe(0)
    expect(linearRefreshProbability(5000, 10_000)).toBe(0.5)
    expect(linearRefreshProbability(0, 10_000)).toBe(1)
    expect(linearShouldRefresh(5000, 10_000, 0.49)).toBe(true)
    expect(linearShouldRefresh(5000, 10_000, 0.51)).toBe(false)
  })
})

describe('burst helpers', () => {
  it('picks keys uniformly or by Zipf (key 0 the hottest)', () => {
    expect(pickKey(1, 'zipf', 0.9)).toBe(0)
    expect(pickKey(10, 'uniform', 0.95)).toBe(9)
    const counts = Array.from({ length: 10 }, () => 0)
    for (let i = 0; i < 10_000; i++) counts[pickKey(10, 'zipf', (i + 0.5) / 10_000)]! += 1
    // Weights 1/k over H(10) ≈ 2.929: key 0 gets ~34 %, key 1 ~17 %, key 9 ~3.4 %.
    expect(counts[0]! / 10_000).toBeCloseTo(1 / 2.928968, 2)
    expect(counts[1]! / 10_000).toBeCloseTo(0.5 / 2.928968, 2)
    expect(counts[0]!).toBeGreaterThan(counts[9]! * 9)
  })

  it('puts latencies in buckets and reads percentiles by nearest rank', () => {
    expect(latencyBucket(0.5)).toBe(0)
    expect(latencyBucket(50)).toBe(5)
    expect(latencyBucket(51)).toBe(6)
    expect(latencyBucket(99_999)).toBe(LATENCY_BOUNDS.length)
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(percentileOf(sorted, 50)).toBe(50)
    expect(percentileOf(sorted, 99)).toBe(99)
    expect(percentileOf([], 50)).toBe(0)
  })
})
