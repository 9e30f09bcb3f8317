import { describe, expect, it } from 'vitest'
import { event } from '../server/test-support/factories'
import { Series } from './series'

const T0 = 1_800_000_000_000
const hit = (t: number) => event('hit', 'cache', { ms: 0.2, version: 1 }, 'user:1', { time: t })
const miss = (t: number) => event('miss', 'cache', { ms: 0.2, reason: 'absent' }, 'user:1', { time: t })
const query = (t: number) => event('query', 'db', { sql: 'SELECT 1', ms: 1, rows: 1 }, 'user:1', { time: t })
const stale = (t: number) => event('stale-read', 'app', { cached: 1, truth: 2, staleForMs: 10 }, 'user:1', { time: t })

describe('Series', () => {
  it('buckets events per second: hit ratio in percent, queries and stale reads per second', () => {
    const s = new Series()
    s.add([hit(T0), hit(T0 + 100), miss(T0 + 200), query(T0 + 210), stale(T0 + 500), hit(T0 + 1200)])
    expect(s.points()).toEqual([
      { s: 0, hitRatio: 66.7, queries: 1, stale: 1, requests: 0 },
      { s: 1, hitRatio: 100, queries: 0, stale: 0, requests: 0 },
    ])
  })

  it('fills quiet seconds with empty buckets, and places replayed older events in their own second', () => {
    const s = new Series()
    s.add([hit(T0), hit(T0 + 3000)])
    s.add([miss(T0 + 1500)])
    expect(s.points().map((p) => [p.s, p.hitRatio])).toEqual([
      [0, 100],
      [1, 0],
      [2, null],
      [3, 100],
    ])
  })

  it('never draws more than maxPoints per series: wider buckets keep the per-second rates', () => {
    const s = new Series()
    const events = []
    for (let sec = 0; sec < 5000; sec++) events.push(query(T0 + sec * 1000), query(T0 + sec * 1000 + 10))
    s.add(events)
    expect(s.size).toBe(5000)
    const points = s.points(1000)
    expect(points.length).toBeLessThanOrEqual(1000)
    expect(points.length).toBeGreaterThan(900)
    for (const p of points) expect(p.queries).toBe(2)
  })
})
