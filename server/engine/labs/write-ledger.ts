/**
 * The write-path labs' bookkeeping, kept apart from any I/O so it can be tested as plain logic. For each
 * write strategy it adds up what writes cost (latency, Redis commands, bytes, SQL statements), measures the
 * first read of a key after a write (hit or miss, and its latency), and follows every value a write stored
 * in the cache until it is read or gone:
 *
 * - read: a later read served that very version from the cache;
 * - wasted: it left the cache unread, overwritten by another write, deleted, or expired;
 * - unread: still in the cache, not read yet.
 *
 * Latencies are averaged only over requests made one at a time (not the burst's, which run side by side and
 * wait for each other on the database), so they compare the strategies rather than the contention.
 */
import type { StrategyFigures } from '../../../lib/labs/write-figures'
import type { WriteOutcome, WriteWork } from '../strategies/write-path'

export interface WriteRecord {
  ok: boolean
  ms: number
  /** Whether its latency counts in the averages (false for requests of a concurrent burst). */
  timed?: boolean
  work: WriteWork
  /** What the write did to the cache: stored a value, deleted the key, or left it as it was. */
  cache: 'stored' | 'deleted' | 'untouched'
  stored?: { version: number; ttlMs: number | null }
}

export interface ReadRecord {
  hit: boolean
  version?: number
  ms: number
  timed?: boolean
  /** It served a version the database did not hold (older, or never committed). */
  wrong?: boolean
}

/** The ledger's record of a write, from the strategy's outcome and the measured latency. */
export function writeRecord(outcome: WriteOutcome, ms: number, timed = true): WriteRecord {
  const deleted = outcome.trace.some((s) => s.step === 'cache-del' && s.ok)
  return {
    ok: outcome.ok,
    ms,
    timed,
    work: outcome.work,
    cache: outcome.stored ? 'stored' : deleted ? 'deleted' : 'untouched',
    stored: outcome.stored,
  }
}

interface Totals {
  writes: number
  failedWrites: number
  timedWrites: number
  writeMs: number
  cacheCommands: number
  bytes: number
  dbStatements: number
  nextReads: number
  nextReadHits: number
  nextReadsWrong: number
  timedNextReads: number
  nextReadMs: number
  lastNextRead: { ms: number; hit: boolean } | null
  stored: number
  readAfterStore: number
  wasted: number
}

interface Pending<S> {
  strategy: S
  version: number
  /** When Redis will expire it (ms since the epoch); null without a TTL. */
  expiresAt: number | null
}

const zero = (): Totals => ({
  writes: 0,
  failedWrites: 0,
  timedWrites: 0,
  writeMs: 0,
  cacheCommands: 0,
  bytes: 0,
  dbStatements: 0,
  nextReads: 0,
  nextReadHits: 0,
  nextReadsWrong: 0,
  timedNextReads: 0,
  nextReadMs: 0,
  lastNextRead: null,
  stored: 0,
  readAfterStore: 0,
  wasted: 0,
})

export class WriteLedger<S extends string> {
  private totals = new Map<S, Totals>()
  /** Values stored by writes and not read yet, by key. */
  private pending = new Map<string, Pending<S>>()
  /** Keys written whose next read has not been measured yet, and the strategy that wrote them. */
  private awaiting = new Map<string, S>()

  constructor(private readonly strategies: readonly { id: S; label: string }[]) {
    this.clear()
  }

  clear(): void {
    this.totals = new Map(this.strategies.map((s) => [s.id, zero()]))
    this.pending.clear()
    this.awaiting.clear()
  }

  wrote(key: string, strategy: S, rec: WriteRecord, at: number): void {
    const t = this.totals.get(strategy)!
    t.writes += 1
    if (!rec.ok) t.failedWrites += 1
    if (rec.timed !== false) {
      t.timedWrites += 1
      t.writeMs += rec.ms
    }
    t.cacheCommands += rec.work.cacheCommands
    t.bytes += rec.work.bytes
    t.dbStatements += rec.work.dbStatements
    if (rec.cache !== 'untouched') this.gone(key)
    if (rec.cache === 'stored' && rec.stored) {
      t.stored += 1
      const expiresAt = rec.stored.ttlMs === null ? null : at + rec.stored.ttlMs
      this.pending.set(key, { strategy, version: rec.stored.version, expiresAt })
    }
    if (rec.ok) this.awaiting.set(key, strategy)
    else this.awaiting.delete(key)
  }

  read(key: string, rec: ReadRecord, at: number): void {
    this.expire(key, at)
    const p = this.pending.get(key)
    if (p) {
      if (rec.hit && rec.version === p.version) {
        this.totals.get(p.strategy)!.readAfterStore += 1
        this.pending.delete(key)
      } else {
        this.gone(key) // a miss, or another value: the stored one left the cache unread
      }
    }
    const writer = this.awaiting.get(key)
    if (writer !== undefined) {
      this.awaiting.delete(key)
      const t = this.totals.get(writer)!
      t.nextReads += 1
      if (rec.hit) t.nextReadHits += 1
      if (rec.wrong) t.nextReadsWrong += 1
      if (rec.timed !== false) {
        t.timedNextReads += 1
        t.nextReadMs += rec.ms
        t.lastNextRead = { ms: rec.ms, hit: rec.hit }
      }
    }
  }

  /** Counts values whose TTL has run out unread as wasted. */
  settle(now: number): void {
    for (const key of [...this.pending.keys()]) this.expire(key, now)
  }

  /** When the next unread value expires, if any does. */
  nextExpiry(): number | undefined {
    let next: number | undefined
    for (const p of this.pending.values()) if (p.expiresAt !== null && (next === undefined || p.expiresAt < next)) next = p.expiresAt
    return next
  }

  figures(now: number): StrategyFigures[] {
    this.settle(now)
    const unread = new Map<S, number>()
    for (const p of this.pending.values()) unread.set(p.strategy, (unread.get(p.strategy) ?? 0) + 1)
    return this.strategies.map(({ id, label }) => {
      const t = this.totals.get(id)!
      const per = (n: number) => (t.writes === 0 ? null : round(n / t.writes))
      return {
        id,
        label,
        writes: t.writes,
        failedWrites: t.failedWrites,
        avgWriteMs: t.timedWrites === 0 ? null : round(t.writeMs / t.timedWrites),
        cacheCommandsPerWrite: per(t.cacheCommands),
        bytesPerWrite: per(t.bytes),
        dbStatementsPerWrite: per(t.dbStatements),
        nextReads: t.nextReads,
        nextReadHits: t.nextReadHits,
        nextReadsWrong: t.nextReadsWrong,
        avgNextReadMs: t.timedNextReads === 0 ? null : round(t.nextReadMs / t.timedNextReads),
        lastNextRead: t.lastNextRead,
        stored: t.stored,
        readAfterStore: t.readAfterStore,
        wasted: t.wasted,
        unread: unread.get(id) ?? 0,
      }
    })
  }

  private expire(key: string, now: number): void {
    const p = this.pending.get(key)
    if (p && p.expiresAt !== null && p.expiresAt <= now) this.gone(key)
  }

  /** The unread value stored under `key`, if any, has left the cache: wasted. */
  private gone(key: string): void {
    const p = this.pending.get(key)
    if (!p) return
    this.totals.get(p.strategy)!.wasted += 1
    this.pending.delete(key)
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100
}
