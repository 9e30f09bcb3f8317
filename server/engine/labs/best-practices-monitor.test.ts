import { describe, expect, it } from 'vitest'
import { renderPrometheus } from '../prometheus'
import { RoomMetrics } from '../metrics'
import { parseScrape, ratesBetween, roomLines } from './best-practices-monitor'

describe('best-practices monitor', () => {
  it("reads one room's counters from the same text GET /metrics serves", () => {
    const a = new RoomMetrics()
    const b = new RoomMetrics()
    a.hits = 7
    a.misses = 3
    a.invalidations = 4
    a.cacheErrors = 2
    b.hits = 100
    const text = renderPrometheus([
      { id: 'roomaaaa', metrics: a },
      { id: 'roombbbb', metrics: b },
    ])
    const lines = roomLines(text, 'roomaaaa')
    expect(lines.every((l) => l.includes('room="roomaaaa"'))).toBe(true)
    expect(parseScrape(lines)).toEqual({
      invalidations: 4,
      hits: 7,
      misses: 3,
      staleReads: 0,
      cacheErrors: 2,
      dbErrors: 0,
    })
  })

  it('turns two scrapes into rates per second and a hit ratio over the interval', () => {
    const prev = { invalidations: 10, hits: 50, misses: 50, staleReads: 0, cacheErrors: 0, dbErrors: 0 }
    const next = { invalidations: 14, hits: 59, misses: 51, staleReads: 2, cacheErrors: 6, dbErrors: 0 }
    expect(ratesBetween(prev, next, 2000)).toEqual({
      invalidationsPerSec: 2,
      hitRatio: 90,
      staleReadsPerSec: 1,
      cacheErrorsPerSec: 3,
    })
    expect(ratesBetween(next, next, 1000).hitRatio).toBeNull()
  })

  it('counts from zero after the counters were reset', () => {
    const prev = { invalidations: 10, hits: 50, misses: 50, staleReads: 0, cacheErrors: 0, dbErrors: 0 }
    const next = { invalidations: 3, hits: 1, misses: 1, staleReads: 0, cacheErrors: 0, dbErrors: 0 }
    expect(ratesBetween(prev, next, 1000)).toMatchObject({ invalidationsPerSec: 3, hitRatio: 50 })
  })
})
