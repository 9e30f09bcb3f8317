import { describe, expect, it } from 'vitest'
import type { Change } from '../strategies/race'
import { measureRun, summarize } from './races-windows'

let seq = 0
const db = (at: number, version: number, key = 'user:1'): Change => ({ key, at, seq: ++seq, kind: 'db', version })
const fill = (at: number, version: number, ttlMs = 10_000, key = 'user:1'): Change => ({
  key,
  at,
  seq: ++seq,
  kind: 'cache',
  version,
  ttlMs,
})
const del = (at: number, invalidates: number, key = 'user:1'): Change => ({
  key,
  at,
  seq: ++seq,
  kind: 'cache',
  version: null,
  invalidates,
})
const served = (at: number, version: number, stale: boolean, key = 'user:1'): Change => ({
  key,
  at,
  seq: ++seq,
  kind: 'served',
  version,
  stale,
})

describe('measureRun', () => {
  it('finds no window when the cache never holds an older version than the database', () => {
    // v1 cached for 100 ms, expired before B's write of v2; then A fills v2.
    expect(
      measureRun(
        [db(0, 1), fill(1, 1, 100), served(2, 1, false), db(200, 2), del(201, 2), db(202, 2), fill(203, 2)],
        300,
      ),
    ).toEqual({
      windows: [],
      writeBacks: 0,
      staleFromFills: 0,
    })
  })

  it('counts the gap between a commit and its delete as a short write window, not a write-back', () => {
    const m = measureRun([db(0, 1), fill(1, 1), db(10, 2), served(11, 1, true), del(13, 2)], 100)
    expect(m.windows).toEqual([{ key: 'user:1', start: 10, end: 13, cause: 'write', open: false }])
    expect(m).toMatchObject({ writeBacks: 0, staleFromFills: 0 })
  })

  it('the race: a fill of v1 after the delete of v2 is a write-back, stale until its TTL', () => {
    // A read v1 at 1; B committed v2 at 5 and deleted at 6; A's fill of v1 lands at 8 with a 1 s TTL.
    const m = measureRun(
      [db(1, 1), db(5, 2), del(6, 2), fill(8, 1, 1000), served(20, 1, true), served(30, 1, true)],
      100,
    )
    expect(m.writeBacks).toBe(1)
    expect(m.staleFromFills).toBe(2)
    // The run ended at 100 with the window open: it lasts until the value expires at 1008.
    expect(m.windows).toEqual([{ key: 'user:1', start: 8, end: 1008, cause: 'fill', open: true }])
  })

  it('a second delete ends the write-back’s window', () => {
    const m = measureRun([db(1, 1), db(5, 2), del(6, 2), fill(8, 1), del(506, 2)], 1000)
    expect(m.windows).toEqual([{ key: 'user:1', start: 8, end: 506, cause: 'fill', open: false }])
    expect(summarize(m.windows)).toEqual({ count: 1, maxMs: 498, totalMs: 498 })
  })

  it('a fill of an old row before the writer’s delete is part of that write’s gap', () => {
    const m = measureRun([db(1, 1), db(5, 2), fill(6, 1), del(9, 2)], 100)
    expect(m.writeBacks).toBe(0)
    expect(m.windows).toEqual([{ key: 'user:1', start: 6, end: 9, cause: 'write', open: false }])
  })

  it('ends a window at the TTL when the value expired before the run ended', () => {
    const m = measureRun([db(1, 1), db(5, 2), del(6, 2), fill(8, 1, 50), db(200, 2)], 500)
    expect(m.windows).toEqual([{ key: 'user:1', start: 8, end: 58, cause: 'fill', open: false }])
  })

  it('keeps keys apart, and orders changes by the order they completed in', () => {
    const a = [db(1, 1, 'user:1'), db(5, 2, 'user:1'), del(6, 2, 'user:1')]
    const b = [db(1, 4, 'user:2'), fill(2, 4, 1000, 'user:2')]
    const late = fill(8, 1, 1000, 'user:1')
    const m = measureRun(
      [late, ...b, ...a].sort(() => -1),
      100,
    )
    // The late fill completed last (highest seq) whatever the array order.
    expect(m.writeBacks).toBe(1)
    expect(m.windows.map((w) => w.key)).toEqual(['user:1'])
  })
})

describe('summarize', () => {
  it('counts, and takes the longest and the total', () => {
    expect(summarize([])).toEqual({ count: 0, maxMs: 0, totalMs: 0 })
    expect(
      summarize([
        { key: 'a', start: 0, end: 10.4, cause: 'write', open: false },
        { key: 'b', start: 5, end: 105, cause: 'fill', open: true },
      ]),
    ).toEqual({ count: 2, maxMs: 100, totalMs: 110 })
  })
})
