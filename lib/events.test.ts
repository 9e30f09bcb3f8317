import { describe, expect, it } from 'vitest'
import { KINDS, LabEvent, LANES, isKind, make, roundMs, setEventValidation, type DataOf, type Kind } from './events'
import { CACHE_CHANGE_KINDS } from './room-client'

/** One valid data value per kind; typed so that a new kind fails to compile until it has a sample here. */
const SAMPLES: { [K in Kind]: DataOf<K> } = {
  request: { action: 'read', by: 'you' },
  response: { ms: 1.5, ok: true, from: 'cache', version: 2 },
  hit: { ms: 0.2, version: 1 },
  miss: { ms: 0.3, reason: 'absent' },
  set: { ttlMs: 5000, version: 1 },
  del: { existed: true },
  expire: { ttlMs: 1 },
  persist: {},
  expired: { lateMs: 3 },
  evicted: {},
  'cache-op': { op: 'hset' },
  'cache-error': { op: 'get', message: 'down' },
  command: { cmd: 'SMEMBERS', ms: 0.4, detail: '24 keys' },
  scan: { cursor: '0', next: '1536', count: 100, match: 'user:1:*', examined: 100, returned: 3, ms: 0.5 },
  probe: { ms: 12, during: 'KEYS' },
  gauge: { name: 'memory v1', value: 10240, unit: 'B' },
  lease: { op: 'grant', token: 't1' },
  refused: { reason: 'older than the cached version', version: 1 },
  'l1-hit': { version: 2 },
  'l1-miss': {},
  'l1-set': { version: 2, ttlMs: 10_000 },
  'l1-drop': { reason: 'invalidated', via: 'pubsub', latencyMs: 1.2 },
  publish: { via: 'pubsub', channel: 'inval', receivers: 2, expected: 3 },
  deliver: { via: 'stream', id: '3-0', latencyMs: 2, redelivered: true },
  ack: { id: '3-0', group: 'app2' },
  query: { sql: 'SELECT 1', ms: 2, rows: 1, version: 1 },
  update: { sql: 'UPDATE users', ms: 3, version: 2 },
  'db-error': { sql: 'SELECT 1', ms: 1, message: 'boom' },
  'stale-read': { cached: 1, truth: 2, staleForMs: 40 },
  'dirty-read': { cached: 3, truth: 2 },
  setting: { name: 'ttl', value: '5 s' },
  marker: { text: 'hello', demo: 'd', step: 1 },
  'demo-result': { demo: 'd', passed: true, checks: [{ text: 'c', passed: true, detail: 'measured 1' }] },
  fault: { name: 'redis-down', on: true },
  lock: { op: 'acquire', token: 'a1b2', ttlMs: 1000 },
  burst: { id: 'b1', strategy: 'lock', phase: 'end', total: 1000, done: 1000, dbQueries: 1, inFlight: 0, peakInFlight: 1, errors: 0, stale: 0, ms: 120, buckets: [[0, 1, 0, 1, 0]], latency: [0, 1] },
}

describe('make', () => {
  it('builds the event with its lane, kind, key and context, unnumbered, and no fields that were not given', () => {
    expect(make('hit', 'cache', { version: 3, ms: 0.4 }, 'user:1', { req: 'r1', src: 'app' })).toEqual({
      seq: 0,
      lane: 'cache',
      kind: 'hit',
      key: 'user:1',
      req: 'r1',
      src: 'app',
      data: { version: 3, ms: 0.4 },
    })
    const bare = make('marker', 'app', { text: 'x' })
    // Absent fields stay out of what is stored and sent.
    expect(Object.keys(JSON.parse(JSON.stringify(bare))).sort()).toEqual(['data', 'kind', 'lane', 'seq'])
  })

  it('validates data while validation is on, and can be switched off (production)', () => {
    expect(() => make('miss', 'cache', { ms: -1, reason: 'absent' }, 'user:1')).toThrow()
    setEventValidation(false)
    try {
      expect(make('miss', 'cache', { ms: -1, reason: 'absent' }, 'user:1').data).toEqual({ ms: -1, reason: 'absent' })
    } finally {
      setEventValidation(true)
    }
  })

  it('makes a valid event of every kind', () => {
    for (const kind of KINDS) {
      const made = make(kind, 'app', SAMPLES[kind] as never, 'k')
      expect(LabEvent.safeParse({ ...made, seq: 1, time: 1 }).success, kind).toBe(true)
    }
  })

  it('rejects malformed data where the event is made', () => {
    expect(() => make('hit', 'cache', { ms: -1 }, 'user:1')).toThrow()
    expect(() => make('set', 'cache', {} as never, 'user:1')).toThrow()
    expect(() => make('set', 'cache', { ttlMs: 1.5 }, 'user:1')).toThrow()
    expect(() => make('stale-read', 'app', { cached: 1, staleForMs: 3 } as never, 'user:1')).toThrow()
    expect(() => make('request', 'client', { action: 'read', by: 'robot' } as never)).toThrow()
    expect(() => make('miss', 'cache', { ms: 1, reason: 'gone' } as never)).toThrow()
    expect(() => make('query', 'db', { sql: 'x', ms: 1, rows: 0.5 })).toThrow()
  })
})

describe('LabEvent schema', () => {
  const valid = {
    ...make('set', 'cache', { ttlMs: null, version: 4 }, 'user:1', { src: 'outside' }),
    seq: 7,
    time: 1_700_000_000_000.25,
  }

  it('parses a recorded event unchanged', () => {
    expect(LabEvent.parse(valid)).toEqual(valid)
  })

  it('rejects bad numbering, lanes, kinds, sources and keys', () => {
    const bad: Record<string, unknown>[] = [
      { ...valid, seq: 0 },
      { ...valid, seq: 1.5 },
      { ...valid, seq: undefined },
      { ...valid, time: 'now' },
      { ...valid, lane: 'disk' },
      { ...valid, kind: 'teleport' },
      { ...valid, src: 'nobody' },
      { ...valid, key: 'k'.repeat(513) },
      { ...valid, req: 'r'.repeat(65) },
      { ...valid, kind: 'hit' }, // set data under another kind
      { ...valid, data: { ttlMs: 'soon' } },
    ]
    for (const b of bad) expect(LabEvent.safeParse(b).success, JSON.stringify(b).slice(0, 80)).toBe(false)
  })

  it('knows every kind and lane', () => {
    expect(new Set(KINDS).size).toBe(KINDS.length)
    expect(Object.keys(SAMPLES).sort()).toEqual([...KINDS].sort())
    for (const lane of LANES) expect(LabEvent.safeParse({ ...valid, lane }).success).toBe(true)
    for (const kind of CACHE_CHANGE_KINDS) expect(KINDS).toContain(kind)
  })
})

describe('helpers', () => {
  it('roundMs keeps two decimals', () => {
    expect(roundMs(1.23456)).toBe(1.23)
    expect(roundMs(1.235001)).toBe(1.24)
    expect(roundMs(0)).toBe(0)
  })

  it('isKind narrows by kind', () => {
    const e = LabEvent.parse({ ...make('hit', 'cache', { ms: 1, version: 9 }), seq: 1, time: 0 })
    expect(isKind(e, 'hit') && e.data.version).toBe(9)
    expect(isKind(e, 'miss')).toBe(false)
  })
})
