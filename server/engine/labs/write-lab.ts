/**
 * What the write-path labs (delete vs update, write-through) do the same way: run reads and writes as
 * requests while measuring them into a WriteLedger, count never-committed reads, cache errors in writes and
 * failed database writes, keep the trace of the last write, and publish their state again when an unread
 * value expires (it just became a wasted write).
 */
import { roundMs, type Actor } from '../../../lib/events'
import { entityKey } from '../../../lib/keys'
import type { WriteTrace } from '../../../lib/labs/write-figures'
import type { Outcome, Room, Scope } from '../room'
import type { WriteOrder, WriteOutcome } from '../strategies/write-path'
import { WriteLedger, writeRecord } from './write-ledger'

export interface WriteCounts {
  dirtyReads: number
  cacheFailures: number
  failedDbWrites: number
}

const noCounts = (): WriteCounts => ({ dirtyReads: 0, cacheFailures: 0, failedDbWrites: 0 })

export class WriteLabCore<S extends string> {
  readonly ledger: WriteLedger<S>
  counts = noCounts()
  lastWrite: WriteTrace | null = null
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly room: Room,
    private readonly strategies: readonly { id: S; label: string }[],
    private readonly publishNow: () => void,
  ) {
    this.ledger = new WriteLedger(strategies)
  }

  /** A read request of `key`, measured: hit or miss, latency, and whether it served a never-committed version. */
  async read<T extends Outcome>(key: string, by: Actor, fn: (scope: Scope) => Promise<T>): Promise<T> {
    const started = performance.now()
    const out = await this.room.request('read', by, fn, { key })
    const ms = roundMs(performance.now() - started)
    const hit = out.from === 'cache'
    const verdict = hit && out.version !== undefined ? this.verdict(key, out.version) : 'fresh'
    if (verdict === 'uncommitted') this.counts = { ...this.counts, dirtyReads: this.counts.dirtyReads + 1 }
    this.ledger.read(key, { hit, version: out.version, ms, timed: by !== 'load', wrong: verdict !== 'fresh' }, Date.now())
    return out
  }

  /**
   * A write request of `key` with strategy `strategy`, recorded under `action` (the action whose code runs),
   * measured into the ledger and the counts.
   */
  async write(
    write: { key: string; strategy: S; action: string; order: WriteOrder; userId: number },
    by: Actor,
    fn: (scope: Scope) => Promise<WriteOutcome>,
  ): Promise<WriteOutcome> {
    const label = this.label(write.strategy)
    const started = performance.now()
    const out = await this.room.request(write.action, by, fn, { key: write.key, label: `${label}, ${write.order === 'db-first' ? 'DB first' : 'cache first'}` })
    const ms = roundMs(performance.now() - started)
    this.ledger.wrote(write.key, write.strategy, writeRecord(out, ms, by !== 'load'), Date.now())
    this.counts = {
      ...this.counts,
      cacheFailures: this.counts.cacheFailures + (out.cacheFailed ? 1 : 0),
      failedDbWrites: this.counts.failedDbWrites + (out.ok ? 0 : 1),
    }
    this.lastWrite = { strategy: label, order: write.order, userId: write.userId, ok: out.ok, ms, steps: out.trace }
    return out
  }

  /** What the oracle says of a read that served `version` of the row `key` caches. */
  private verdict(key: string, version: number): 'fresh' | 'stale' | 'uncommitted' {
    const entity = entityKey(key)
    if (this.room.oracle.judge(entity, version, Date.now()).stale) return 'stale'
    return this.room.oracle.uncommitted(entity, version) === undefined ? 'fresh' : 'uncommitted'
  }

  label(strategy: S): string {
    return this.strategies.find((s) => s.id === strategy)?.label ?? strategy
  }

  /** Publishes now, and again when the next unread value expires. */
  publish(): void {
    this.publishNow()
    clearTimeout(this.timer)
    const next = this.ledger.nextExpiry()
    if (next !== undefined) this.timer = setTimeout(() => this.publish(), Math.max(0, next - Date.now()) + 50).unref()
  }

  clear(): void {
    this.ledger.clear()
    this.counts = noCounts()
    this.lastWrite = null
  }

  stop(): void {
    clearTimeout(this.timer)
  }
}
