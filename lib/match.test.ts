import { describe, expect, it } from 'vitest'
import { event, staleRead } from '../server/test-support/factories'
import { evaluate, matches, measure, type PhasedEvent } from './match'
import { Check, Measure } from './match-schema'

const hit = event('hit', 'cache', { ms: 0.3, version: 2 }, 'user:1', { src: 'app' })
const miss = event('miss', 'cache', { ms: 0.2, reason: 'absent' }, 'user:2')
const set = event('set', 'cache', { ttlMs: 5000, version: 1 }, 'user:2', { src: 'outside' })

function phased(phase: string, ...events: PhasedEvent['event'][]): PhasedEvent[] {
  return events.map((e) => ({ phase, event: e }))
}

describe('matches', () => {
  it('matches on one kind or on any of a list of kinds', () => {
    expect(matches(hit, { kind: 'hit' })).toBe(true)
    expect(matches(hit, { kind: 'miss' })).toBe(false)
    expect(matches(hit, { kind: ['miss', 'hit'] })).toBe(true)
    expect(matches(hit, { kind: ['miss', 'set'] })).toBe(false)
  })

  it('requires every given field: lane, key, source and data values', () => {
    expect(matches(hit, { kind: 'hit', lane: 'cache', key: 'user:1', src: 'app', data: { version: 2 } })).toBe(true)
    expect(matches(hit, { kind: 'hit', lane: 'db' })).toBe(false)
    expect(matches(hit, { kind: 'hit', key: 'user:2' })).toBe(false)
    expect(matches(hit, { kind: 'hit', src: 'outside' })).toBe(false)
    expect(matches(hit, { kind: 'hit', data: { version: 3 } })).toBe(false)
    expect(matches(hit, { kind: 'hit', data: { version: 2, ms: 0.4 } })).toBe(false)
  })

  it('matches on the node (app server, or race actor) that produced the event', () => {
    const byB = event('del', 'cache', { existed: true }, 'user:1', { src: 'app', node: 'B' })
    expect(matches(byB, { kind: 'del', node: 'B' })).toBe(true)
    expect(matches(byB, { kind: 'del', node: 'A' })).toBe(false)
    expect(matches(hit, { kind: 'hit', node: 'B' })).toBe(false)
  })

  it('does not match a source or data field the event lacks', () => {
    expect(matches(miss, { kind: 'miss', src: 'app' })).toBe(false)
    expect(matches(miss, { kind: 'miss', data: { version: 1 } })).toBe(false)
    expect(matches(miss, { kind: 'miss', data: { reason: 'absent' } })).toBe(true)
  })
})

describe('measure', () => {
  const events = [
    ...phased('a', hit, miss, staleRead('user:1', 120), set),
    ...phased('b', staleRead('user:1', 900), staleRead('user:2', 4000), hit),
  ]

  it('counts matching events, optionally only in one phase', () => {
    expect(measure(events, Measure.parse({ match: { kind: 'hit' } }))).toBe(2)
    expect(measure(events, Measure.parse({ match: { kind: 'hit' }, phase: 'b' }))).toBe(1)
    expect(measure(events, Measure.parse({ match: { kind: 'stale-read', key: 'user:1' } }))).toBe(2)
    expect(measure(events, Measure.parse({ match: { kind: 'expired' } }))).toBe(0)
    expect(measure(events, Measure.parse({ match: { kind: 'hit' }, phase: 'missing' }))).toBe(0)
  })

  it('counts by default', () => {
    expect(Measure.parse({ match: { kind: 'hit' } }).of).toBe('count')
  })

  it('maxStaleMs is the longest stale window among the matching stale reads', () => {
    expect(measure(events, { match: { kind: 'stale-read' }, of: 'maxStaleMs' })).toBe(4000)
    expect(measure(events, { match: { kind: 'stale-read', key: 'user:1' }, of: 'maxStaleMs' })).toBe(900)
    expect(measure(events, { match: { kind: 'stale-read', key: 'user:1' }, phase: 'a', of: 'maxStaleMs' })).toBe(120)
  })

  it('maxStaleMs ignores matching events that are not stale reads, and is 0 without any', () => {
    expect(measure(events, { match: { kind: ['hit', 'set'] }, of: 'maxStaleMs' })).toBe(0)
    expect(measure(events, { match: { kind: ['hit', 'stale-read'] }, phase: 'a', of: 'maxStaleMs' })).toBe(120)
    expect(measure([], { match: { kind: 'stale-read' }, of: 'maxStaleMs' })).toBe(0)
  })

  it('maxMs is the largest ms among the matching events that carry one', () => {
    const probes = [
      ...phased('scan', event('probe', 'cache', { ms: 0.4, during: 'SCAN' }), event('probe', 'cache', { ms: 1.2, during: 'SCAN' })),
      ...phased('keys', event('probe', 'cache', { ms: 31.5, during: 'KEYS' }), event('marker', 'app', { text: 'no ms here' })),
    ]
    expect(measure(probes, { match: { kind: 'probe' }, phase: 'scan', of: 'max' })).toBe(1.2)
    expect(measure(probes, { match: { kind: 'probe', data: { during: 'KEYS' } }, of: 'max' })).toBe(31.5)
    expect(measure(probes, { match: { kind: ['probe', 'marker'] }, phase: 'keys', of: 'max' })).toBe(31.5)
    expect(measure(probes, { match: { kind: 'marker' }, of: 'max' })).toBe(0)
    const more = [...probes, ...phased('scan', event('probe', 'cache', { ms: 40, during: 'SCAN' }))]
    expect(measure(more, { match: { kind: 'probe' }, phase: 'scan', of: 'median' })).toBe(1.2)
    expect(measure([], { match: { kind: 'probe' }, of: 'median' })).toBe(0)
    const check = Check.parse({ text: 'KEYS held the probe up', left: { match: { kind: 'probe' }, phase: 'keys', of: 'max' }, op: 'gt', right: { match: { kind: 'probe' }, phase: 'scan', of: 'max' } })
    expect(evaluate(check, probes)).toEqual({ text: 'KEYS held the probe up', passed: true, detail: '32 ms > 1.20 ms' })
  })

  it('sum adds up a data field; max and sum read another field than ms when told', () => {
    const scans = phased(
      'loop',
      event('scan', 'cache', { cursor: '0', next: '12', count: 10, match: 'user:1:*', examined: 10, returned: 3, ms: 0.2 }),
      event('scan', 'cache', { cursor: '12', next: '0', count: 10, match: 'user:1:*', examined: 9, returned: 4, ms: 0.3 }),
    )
    expect(measure(scans, { match: { kind: 'scan' }, of: 'sum', field: 'returned' })).toBe(7)
    expect(measure(scans, { match: { kind: 'scan' }, of: 'max', field: 'examined' })).toBe(10)
    expect(measure(scans, { match: { kind: 'scan' }, of: 'sum', field: 'nothing' })).toBe(0)
    expect(measure(scans, { match: { kind: 'scan' }, of: 'median', field: 'returned' })).toBe(3.5)
    expect(evaluate(Check.parse({ text: 'returned keys', measure: { match: { kind: 'scan' }, of: 'sum', field: 'returned' }, min: 7 }), scans)).toEqual({
      text: 'returned keys',
      passed: true,
      detail: 'measured 7',
    })
  })
})

describe('evaluate', () => {
  const events = [
    ...phased('short', staleRead('user:1', 800), miss, miss),
    ...phased('long', staleRead('user:1', 3500), miss),
  ]

  it('a min/max check passes only inside its bounds (inclusive)', () => {
    const misses = (bounds: { min?: number; max?: number }) =>
      evaluate(Check.parse({ text: 'misses', measure: { match: { kind: 'miss' } }, ...bounds }), events)
    expect(misses({ min: 3 })).toEqual({ text: 'misses', passed: true, detail: 'measured 3' })
    expect(misses({ min: 4 }).passed).toBe(false)
    expect(misses({ max: 3 }).passed).toBe(true)
    expect(misses({ max: 2 }).passed).toBe(false)
    expect(misses({ min: 1, max: 3 }).passed).toBe(true)
    expect(misses({ min: 4, max: 9 }).passed).toBe(false)
    expect(misses({}).passed).toBe(true)
  })

  it('a min/max check over maxStaleMs reports the window in ms', () => {
    const check = Check.parse({
      text: 'stale long enough',
      measure: { match: { kind: 'stale-read' }, phase: 'long', of: 'maxStaleMs' },
      min: 3000,
    })
    expect(evaluate(check, events)).toEqual({
      text: 'stale long enough',
      passed: true,
      detail: 'measured 3500 ms stale',
    })
  })

  it('a comparison check compares two measures with lt or gt', () => {
    const left = { match: { kind: 'miss' as const }, phase: 'short' }
    const right = { match: { kind: 'miss' as const }, phase: 'long' }
    expect(evaluate(Check.parse({ text: 'more misses', left, op: 'gt', right }), events)).toEqual({
      text: 'more misses',
      passed: true,
      detail: '2 > 1',
    })
    expect(evaluate(Check.parse({ text: 'fewer misses', left, op: 'lt', right }), events).passed).toBe(false)
    const stale = Check.parse({
      text: 'shorter staleness',
      left: { match: { kind: 'stale-read' }, phase: 'short', of: 'maxStaleMs' },
      op: 'lt',
      right: { match: { kind: 'stale-read' }, phase: 'long', of: 'maxStaleMs' },
    })
    expect(evaluate(stale, events)).toEqual({
      text: 'shorter staleness',
      passed: true,
      detail: '800 ms stale < 3500 ms stale',
    })
  })

  it('a comparison of equal measures fails both ways', () => {
    const m = { match: { kind: 'miss' as const } }
    expect(evaluate(Check.parse({ text: 'x', left: m, op: 'lt', right: m }), events).passed).toBe(false)
    expect(evaluate(Check.parse({ text: 'x', left: m, op: 'gt', right: m }), events).passed).toBe(false)
  })

  it('Check rejects malformed checks', () => {
    expect(
      Check.safeParse({ text: 'x', left: { match: { kind: 'miss' } }, op: 'eq', right: { match: { kind: 'miss' } } })
        .success,
    ).toBe(false)
    expect(Check.safeParse({ text: 'x', measure: { match: { kind: 'no-such-kind' } } }).success).toBe(false)
    expect(Check.safeParse({ text: 'x', measure: { match: { kind: 'miss' }, of: 'average' } }).success).toBe(false)
    expect(Check.safeParse({ measure: { match: { kind: 'miss' } } }).success).toBe(false)
  })
})
