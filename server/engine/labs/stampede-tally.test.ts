import { describe, expect, it } from 'vitest'
import { sampledIndices, startOffset } from './stampede-burst'
import { BurstTally } from './stampede-tally'

describe('BurstTally', () => {
  it('counts queries exactly, per server, with the peak in flight', () => {
    const t = new BurstTally(4, 2)
    t.queryStarted(0, false)
    t.queryStarted(1, true)
    t.queryStarted(1, false)
    t.queryEnded()
    t.queryEnded()
    t.queryStarted(0, false)
    expect(t).toMatchObject({ dbQueries: 4, sampledQueries: 1, inFlight: 2, peakInFlight: 3 })
    expect(t.perServer).toEqual([2, 2])
  })

  it('buckets outcomes over time, hands out ticks once, and computes the latency figures', () => {
    const t = new BurstTally(5, 1, 100)
    t.finished('db', 60, 60)
    t.finished('waited', 70, 70)
    expect(t.takeTick()).toEqual([0, 1, 0, 1, 0])
    expect(t.takeTick()).toEqual([0, 0, 0, 0, 0])
    t.finished('hit', 1, 250)
    t.finished('stale', 2, 251)
    t.finished('error', 500, 520)
    const f = t.figures()
    expect(f.buckets).toEqual([
      [0, 1, 0, 1, 0],
      [0, 0, 0, 0, 0],
      [1, 0, 1, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 1],
    ])
    expect(f.p50).toBe(60)
    expect(f.maxMs).toBe(500)
    expect(f.latency.reduce((a, b) => a + b, 0)).toBe(5)
    expect(t).toMatchObject({ done: 5, stale: 1, errors: 1 })
  })

  it('keeps the first refresh points and counts all of them', () => {
    const t = new BurstTally(1, 1)
    for (let i = 0; i < 600; i++) t.refreshed(i)
    expect(t.refreshes).toBe(600)
    expect(t.refreshAt).toHaveLength(500)
  })
})

describe('burst shape', () => {
  it('samples the first, the last and evenly between', () => {
    expect([...sampledIndices(1000)]).toEqual([0, 200, 400, 599, 799, 999])
    expect([...sampledIndices(3)]).toEqual([0, 1, 2])
    expect([...sampledIndices(1)]).toEqual([0])
  })

  it('ramps starts evenly from 0 to rampMs', () => {
    expect(startOffset(0, 5, 1000)).toBe(0)
    expect(startOffset(4, 5, 1000)).toBe(1000)
    expect(startOffset(2, 5, 1000)).toBe(500)
    expect(startOffset(3, 5, 0)).toBe(0)
  })
})
