import { describe, expect, it } from 'vitest'
import { WriteLedger, writeRecord, type WriteRecord } from './write-ledger'
import type { WriteOutcome } from '../strategies/write-path'

const STRATEGIES = [
  { id: 'delete', label: 'Delete on write' },
  { id: 'update', label: 'Update on write' },
] as const

const ledger = () => new WriteLedger<'delete' | 'update'>(STRATEGIES)
const work = (bytes = 0, dbStatements = 1) => ({ cacheCommands: 1, bytes, dbStatements })
const stored = (version: number, ttlMs: number | null = 1000, ms = 10): WriteRecord => ({
  ok: true,
  ms,
  work: work(120),
  cache: 'stored',
  stored: { version, ttlMs },
})
const deleted = (ms = 10): WriteRecord => ({ ok: true, ms, work: work(), cache: 'deleted' })
const fig = (l: WriteLedger<'delete' | 'update'>, id: 'delete' | 'update', now = 0) => l.figures(now).find((f) => f.id === id)!

describe('writeRecord', () => {
  const outcome = (o: Partial<WriteOutcome>): WriteOutcome => ({ ok: true, trace: [], work: work(), cacheFailed: false, ...o })

  it('says what the write did to the cache', () => {
    expect(writeRecord(outcome({ stored: { version: 2, ttlMs: 5 } }), 3)).toMatchObject({ cache: 'stored', ms: 3 })
    expect(writeRecord(outcome({ trace: [{ step: 'cache-del', ok: true, ms: 1 }] }), 3).cache).toBe('deleted')
    expect(writeRecord(outcome({ trace: [{ step: 'cache-del', ok: false, ms: 1 }] }), 3).cache).toBe('untouched')
    expect(writeRecord(outcome({ ok: false, trace: [{ step: 'db-write', ok: false, ms: 1 }] }), 3)).toMatchObject({ ok: false, cache: 'untouched' })
  })
})

describe('WriteLedger', () => {
  it('averages the cost of writes per strategy', () => {
    const l = ledger()
    l.wrote('user:1', 'update', stored(2, 1000, 10), 0)
    l.wrote('user:1', 'update', { ...stored(3, 1000, 30), work: work(100, 2) }, 0)
    l.wrote('user:2', 'delete', deleted(4), 0)
    expect(fig(l, 'update')).toMatchObject({ writes: 2, avgWriteMs: 20, cacheCommandsPerWrite: 1, bytesPerWrite: 110, dbStatementsPerWrite: 1.5 })
    expect(fig(l, 'delete')).toMatchObject({ writes: 1, avgWriteMs: 4, bytesPerWrite: 0 })
    expect(l.figures(0).map((f) => f.label)).toEqual(['Delete on write', 'Update on write'])
  })

  it('has no averages before the first write', () => {
    expect(fig(ledger(), 'delete')).toMatchObject({ writes: 0, avgWriteMs: null, bytesPerWrite: null, avgNextReadMs: null, lastNextRead: null })
  })

  it('measures only the first read of a key after a write, for the strategy that wrote it', () => {
    const l = ledger()
    l.wrote('user:1', 'delete', deleted(), 0)
    l.read('user:1', { hit: false, ms: 200 }, 10)
    l.read('user:1', { hit: true, version: 2, ms: 1 }, 20)
    l.wrote('user:2', 'update', stored(2), 0)
    l.read('user:2', { hit: true, version: 2, ms: 2 }, 10)
    expect(fig(l, 'delete')).toMatchObject({ nextReads: 1, nextReadHits: 0, avgNextReadMs: 200, lastNextRead: { ms: 200, hit: false } })
    expect(fig(l, 'update')).toMatchObject({ nextReads: 1, nextReadHits: 1, nextReadsWrong: 0, lastNextRead: { ms: 2, hit: true } })
  })

  it('counts the first reads after a write that served a version the database did not hold', () => {
    const l = ledger()
    l.wrote('user:1', 'delete', deleted(), 0)
    l.read('user:1', { hit: true, version: 1, ms: 1, wrong: true }, 10)
    l.wrote('user:1', 'delete', deleted(), 20)
    l.read('user:1', { hit: false, ms: 50 }, 30)
    expect(fig(l, 'delete')).toMatchObject({ nextReads: 2, nextReadHits: 1, nextReadsWrong: 1 })
  })

  it('does not measure a next read after a write the database refused', () => {
    const l = ledger()
    l.wrote('user:1', 'delete', { ok: false, ms: 5, work: work(), cache: 'untouched' }, 0)
    l.read('user:1', { hit: true, version: 1, ms: 1 }, 10)
    expect(fig(l, 'delete')).toMatchObject({ writes: 1, failedWrites: 1, nextReads: 0 })
  })

  it('follows each stored value until it is read, overwritten, deleted or expired', () => {
    const l = ledger()
    l.wrote('user:1', 'update', stored(2, 1000), 0) // read below
    l.read('user:1', { hit: true, version: 2, ms: 1 }, 100)
    l.wrote('user:2', 'update', stored(2, 1000), 0) // overwritten unread
    l.wrote('user:2', 'update', stored(3, 1000), 0) // deleted unread
    l.wrote('user:2', 'delete', deleted(), 0)
    l.wrote('user:3', 'update', stored(2, 1000), 0) // expires unread
    l.wrote('user:4', 'update', stored(2, null), 0) // no TTL: unread for good
    expect(fig(l, 'update', 999)).toMatchObject({ stored: 5, readAfterStore: 1, wasted: 2, unread: 2 })
    expect(fig(l, 'update', 1000)).toMatchObject({ stored: 5, readAfterStore: 1, wasted: 3, unread: 1 })
    expect(fig(l, 'delete', 1000)).toMatchObject({ stored: 0, wasted: 0, unread: 0 })
  })

  it('counts a value as wasted when a read finds the key gone or holding another version', () => {
    const l = ledger()
    l.wrote('user:1', 'update', stored(2, null), 0)
    l.read('user:1', { hit: false, ms: 1 }, 10) // removed behind the app's back
    l.wrote('user:2', 'update', stored(2, null), 0)
    l.read('user:2', { hit: true, version: 7, ms: 1 }, 10)
    expect(fig(l, 'update')).toMatchObject({ wasted: 2, readAfterStore: 0, unread: 0 })
  })

  it('leaves the stored value alone when a write did not touch the cache', () => {
    const l = ledger()
    l.wrote('user:1', 'update', stored(2, null), 0)
    l.wrote('user:1', 'update', { ok: true, ms: 1, work: work(), cache: 'untouched' }, 0) // its SET failed
    l.read('user:1', { hit: true, version: 2, ms: 1 }, 10)
    expect(fig(l, 'update')).toMatchObject({ stored: 1, readAfterStore: 1, wasted: 0 })
  })

  it('a value stored by a write the database then refused is followed like any other', () => {
    const l = ledger()
    l.wrote('user:1', 'update', { ...stored(2, null), ok: false }, 0)
    l.read('user:1', { hit: true, version: 2, ms: 1 }, 10)
    expect(fig(l, 'update')).toMatchObject({ stored: 1, readAfterStore: 1, failedWrites: 1, nextReads: 0 })
  })

  it('knows when the next unread value expires, and forgets everything on clear', () => {
    const l = ledger()
    expect(l.nextExpiry()).toBeUndefined()
    l.wrote('user:1', 'update', stored(2, 5000), 100)
    l.wrote('user:2', 'update', stored(2, 3000), 100)
    l.wrote('user:3', 'update', stored(2, null), 100)
    expect(l.nextExpiry()).toBe(3100)
    l.settle(3100)
    expect(l.nextExpiry()).toBe(5100)
    l.clear()
    expect(l.nextExpiry()).toBeUndefined()
    expect(fig(l, 'update')).toMatchObject({ writes: 0, stored: 0, wasted: 0, unread: 0 })
  })
})

describe('WriteLedger latencies', () => {
  it("average only requests made one at a time, while counting the burst's in everything else", () => {
    const l = ledger()
    l.wrote('user:1', 'update', { ...stored(2, null, 10) }, 0)
    l.read('user:1', { hit: true, version: 2, ms: 2 }, 1)
    l.wrote('user:1', 'update', { ...stored(3, null, 500), timed: false }, 2)
    l.read('user:1', { hit: true, version: 3, ms: 90, timed: false }, 3)
    expect(fig(l, 'update')).toMatchObject({
      writes: 2,
      avgWriteMs: 10,
      nextReads: 2,
      nextReadHits: 2,
      avgNextReadMs: 2,
      lastNextRead: { ms: 2, hit: true },
      readAfterStore: 2,
    })
  })
})
