import { describe, expect, it } from 'vitest'
import { rankOf, seededRandom, zipfCdf, zipfHeadShare, zipfPlan } from './zipf-load'

const users = Array.from({ length: 100 }, (_, i) => i + 1)
const posts = Array.from({ length: 500 }, (_, i) => 500 - i)

describe('zipf load', () => {
  it('the same seed gives the same reads, another seed other reads', () => {
    const a = zipfPlan({ reads: 200, seed: 7, users, posts })
    const b = zipfPlan({ reads: 200, seed: 7, users, posts })
    const c = zipfPlan({ reads: 200, seed: 8, users, posts })
    expect(a).toEqual(b)
    expect(a).not.toEqual(c)
  })

  it('the CDF ends at 1 and ranks fall where the weights say', () => {
    const cdf = zipfCdf(4, 1)
    expect(cdf[3]).toBeCloseTo(1, 12)
    // Weights 1, 1/2, 1/3, 1/4 over 25/12: rank 1 holds 12/25 of the mass.
    expect(cdf[0]).toBeCloseTo(12 / 25, 12)
    expect(rankOf(cdf, 0)).toBe(0)
    expect(rankOf(cdf, 0.47)).toBe(0)
    expect(rankOf(cdf, 0.49)).toBe(1)
    expect(rankOf(cdf, 0.999)).toBe(3)
  })

  it('the head is read far more than the tail, in the proportions Zipf predicts', () => {
    const plan = zipfPlan({ reads: 20_000, seed: 1, users, posts, userShare: 0.4 })
    const userReads = plan.filter((p) => p.entity === 'user')
    expect(userReads.length / plan.length).toBeGreaterThan(0.37)
    expect(userReads.length / plan.length).toBeLessThan(0.43)
    const top10 = userReads.filter((p) => p.id <= 10).length / userReads.length
    expect(top10).toBeGreaterThan(zipfHeadShare(100, 1, 10) - 0.03)
    expect(top10).toBeLessThan(zipfHeadShare(100, 1, 10) + 0.03)
    // Posts follow the ranking given (here the highest ids first).
    const postReads = plan.filter((p) => p.entity === 'post')
    expect(postReads.filter((p) => p.id === 500).length).toBeGreaterThan(postReads.filter((p) => p.id === 1).length * 20)
  })

  it('the generator stays in [0, 1)', () => {
    const r = seededRandom(42)
    for (let i = 0; i < 10_000; i++) {
      const v = r()
      expect(v).toBeGreaterThanOrEqual(0)
      expect(v).toBeLessThan(1)
    }
  })
})
