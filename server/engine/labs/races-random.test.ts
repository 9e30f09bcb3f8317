import { describe, expect, it } from 'vitest'
import type { RandomResult } from '../../../lib/labs/races-model'
import { addResults, randomUsers } from './races-random'

const run = (over: Partial<RandomResult>): RandomResult => ({
  strategy: 'naive',
  users: [11],
  reads: 100,
  hits: 80,
  writes: 10,
  staleReads: 5,
  staleReadsAfterFills: 4,
  maxStaleReadMs: 300,
  staleFills: 2,
  stoppedFills: 0,
  windows: { count: 3, maxMs: 400, totalMs: 600 },
  ...over,
})

describe('addResults', () => {
  it('sums the counts and keeps the longest window and the oldest stale read', () => {
    const total = addResults(
      run({}),
      run({ reads: 50, staleReads: 1, maxStaleReadMs: 900, windows: { count: 1, maxMs: 100, totalMs: 100 } }),
    )
    expect(total).toEqual(
      run({
        reads: 150,
        hits: 160,
        writes: 20,
        staleReads: 6,
        staleReadsAfterFills: 8,
        maxStaleReadMs: 900,
        staleFills: 4,
        windows: { count: 4, maxMs: 400, totalMs: 700 },
      }),
    )
  })
})

describe('randomUsers', () => {
  it('gives each strategy its own users, apart from the interleaving’s user 1', () => {
    expect(randomUsers('naive', 3)).toEqual([11, 12, 13])
    expect(randomUsers('double-delete', 5)).toEqual([71, 72, 73, 74, 75])
    const all = (['naive', 'versioned', 'lease', 'double-delete'] as const).flatMap((s) => randomUsers(s, 5))
    expect(new Set(all).size).toBe(20)
    expect(all).not.toContain(1)
  })
})
