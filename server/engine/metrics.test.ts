import { describe, expect, it } from 'vitest'
import { event, staleRead } from '../test-support/factories'
import { RoomMetrics } from './metrics'

describe('RoomMetrics', () => {
  it('starts at zero with no hit ratio and no percentiles', () => {
    expect(new RoomMetrics().snapshot()).toEqual({
      requests: 0,
      hits: 0,
      misses: 0,
      hitRatio: null,
      dbQueries: 0,
      dbWrites: 0,
      dbErrors: 0,
      dbInFlight: 0,
      dbInFlightPeak: 0,
      staleReads: 0,
      invalidations: 0,
      expirations: 0,
      evictions: 0,
      cacheErrors: 0,
      outsideOps: 0,
      latencyMs: { p50: null, p95: null, p99: null, count: 0 },
    })
  })

  it('derives every counter from the events', () => {
    const m = new RoomMetrics()
    const events = [
      event('request', 'client', { action: 'read', by: 'you' }, 'user:1'),
      event('miss', 'cache', { ms: 0.2, reason: 'absent' }, 'user:1'),
      event('query', 'db', { sql: 'SELECT', ms: 2, rows: 1, version: 1 }, 'user:1'),
      event('set', 'cache', { ttlMs: 1000, version: 1 }, 'user:1', { src: 'app' }),
      event('response', 'client', { ms: 3, ok: true, from: 'db' }, 'user:1'),
      event('request', 'client', { action: 'read', by: 'load' }, 'user:1'),
      event('hit', 'cache', { ms: 0.1, version: 1 }, 'user:1'),
      event('response', 'client', { ms: 1, ok: true, from: 'cache' }, 'user:1'),
      event('hit', 'cache', { ms: 0.1, version: 1 }, 'user:1'),
      event('hit', 'cache', { ms: 0.1, version: 1 }, 'user:1'),
      event('update', 'db', { sql: 'UPDATE', ms: 2, version: 2 }, 'user:1'),
      staleRead('user:1', 50),
      event('db-error', 'db', { sql: 'SELECT', ms: 1, message: 'x' }, 'user:2'),
      event('del', 'cache', { existed: true }, 'user:1', { src: 'app' }),
      event('expire', 'cache', { ttlMs: 1 }, 'user:2', { src: 'app' }),
      event('del', 'cache', { existed: true }, 'user:3', { src: 'outside' }),
      event('expire', 'cache', { ttlMs: 100 }, 'user:3', { src: 'outside' }),
      event('cache-op', 'cache', { op: 'hset' }, 'h', { src: 'outside' }),
      event('expired', 'cache', { lateMs: 2 }, 'user:2', { src: 'redis' }),
      event('evicted', 'cache', {}, 'user:4', { src: 'redis' }),
      event('cache-error', 'cache', { op: 'get', message: 'down' }, 'user:5'),
      event('marker', 'app', { text: 'ignored' }),
    ]
    for (const e of events) m.observe(e)
    expect(m.snapshot()).toEqual({
      requests: 2,
      hits: 3,
      misses: 1,
      hitRatio: 0.75,
      dbQueries: 1,
      dbWrites: 1,
      dbErrors: 1,
      dbInFlight: 0,
      dbInFlightPeak: 0,
      staleReads: 1,
      invalidations: 2,
      expirations: 1,
      evictions: 1,
      cacheErrors: 1,
      outsideOps: 3,
      latencyMs: { p50: 1, p95: 3, p99: 3, count: 2 },
    })
    expect([m.latencySum, m.latencyCount]).toEqual([4, 2])
  })

  it('keeps the in-flight gauge and its peak', () => {
    const m = new RoomMetrics()
    m.queryStarted()
    m.queryStarted()
    m.queryStarted()
    m.queryEnded()
    m.queryStarted()
    m.queryEnded()
    m.queryEnded()
    expect([m.snapshot().dbInFlight, m.snapshot().dbInFlightPeak]).toEqual([1, 3])
  })

  it('computes nearest-rank percentiles over the responses', () => {
    const m = new RoomMetrics()
    // 1..100 ms in a scrambled order.
    for (let i = 0; i < 100; i++) m.observe(event('response', 'client', { ms: ((i * 37) % 100) + 1, ok: true }))
    expect(m.snapshot().latencyMs).toEqual({ p50: 50, p95: 95, p99: 99, count: 100 })
    expect(m.percentile(100)).toBe(100)
    expect(m.percentile(1)).toBe(1)
  })

  it('keeps only the most recent 4096 latencies for percentiles, but all of them in the sum', () => {
    const m = new RoomMetrics()
    for (let i = 0; i < 4096; i++) m.observe(event('response', 'client', { ms: 1000, ok: true }))
    for (let i = 0; i < 4096; i++) m.observe(event('response', 'client', { ms: 1, ok: true }))
    expect(m.snapshot().latencyMs).toEqual({ p50: 1, p95: 1, p99: 1, count: 4096 })
    expect([m.latencyCount, m.latencySum]).toEqual([8192, 4096 * 1001])
  })
})
