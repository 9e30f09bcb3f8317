/**
 * What the write strategies (delete on write, update on write, write-through) share: the order of a write's
 * two steps, the trace of what each step did, and the work it cost.
 *
 * A write has a database step and a cache step. The database is the source of truth, so its failure fails
 * the request; the cache step is best effort: a Redis error there is logged and counted, the user's request
 * still succeeds, and the key's TTL is what bounds the damage.
 */
import { logger } from '../../log'
import type { Outcome, Scope } from '../room'
import { redisErrorText } from '../room-cache'
import type { UserRow } from '../room-db'

const log = logger('write-path')

/** db-first is the right order; cache-first is there to show what goes wrong. */
export type WriteOrder = 'db-first' | 'cache-first'

/** One step of a write as it ran. */
export interface TraceStep {
  step: 'db-read' | 'db-write' | 'cache-del' | 'cache-set' | 'posts-read'
  ok: boolean
  ms: number
  detail?: string
}

/** The work one write cost: Redis commands sent, value bytes written to Redis, SQL statements run. */
export interface WriteWork {
  cacheCommands: number
  bytes: number
  dbStatements: number
}

export interface WriteOutcome extends Outcome {
  user?: UserRow
  trace: TraceStep[]
  work: WriteWork
  /** A cache step failed (after the commit in the right order): logged and counted, the request still answered. */
  cacheFailed: boolean
  /** The value the write stored in the cache, if it stored one (even if the database write then failed). */
  stored?: { version: number; ttlMs: number | null }
}

/** The two steps of a write in the order they run. */
export function writePlan(order: WriteOrder): ('db' | 'cache')[] {
  return order === 'db-first' ? ['db', 'cache'] : ['cache', 'db']
}

/** Bytes a value takes in Redis as the JSON the cache stores. */
export function valueBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8')
}

/** A write in progress: its trace and work so far, and the outcome it ends with. */
export class WriteRun {
  readonly trace: TraceStep[] = []
  readonly work: WriteWork = { cacheCommands: 0, bytes: 0, dbStatements: 0 }
  cacheFailed = false
  stored?: { version: number; ttlMs: number | null }

  constructor(
    private readonly scope: Scope,
    private readonly key: string,
  ) {}

  /** A database step. Its error ends the write: undefined is returned and the trace says why. */
  async db<T>(step: 'db-read' | 'db-write' | 'posts-read', fn: () => Promise<T>): Promise<T | undefined> {
    const started = performance.now()
    this.work.dbStatements += 1
    try {
      const result = await fn()
      this.trace.push({ step, ok: true, ms: since(started) })
      return result
    } catch (err) {
      this.trace.push({ step, ok: false, ms: since(started), detail: (err as Error).message })
      return undefined
    }
  }

  /**
   * A cache step: best effort. A Redis error is already on the timeline (cache-error); here it is logged for
   * the operator and counted, and the write goes on.
   */
  async cache(step: 'cache-del' | 'cache-set', fn: () => Promise<unknown>, bytes = 0): Promise<boolean> {
    const started = performance.now()
    this.work.cacheCommands += 1
    this.work.bytes += bytes
    try {
      await fn()
      this.trace.push({ step, ok: true, ms: since(started) })
      return true
    } catch (err) {
      this.cacheFailed = true
      const detail = redisErrorText((err as Error).cause ?? err)
      this.trace.push({ step, ok: false, ms: since(started), detail })
      log.warn(`cache ${step === 'cache-del' ? 'delete' : 'update'} of ${this.key} failed in request ${this.scope.req} (${detail}); the TTL will clean up`)
      return false
    }
  }

  /** Stores `value` under the write's key with the TTL (best effort); remembers what it stored. */
  async store(value: { version: number }, ttlMs: number | null): Promise<boolean> {
    const ok = await this.cache('cache-set', () => this.scope.cache.set(this.key, value, ttlMs), valueBytes(value))
    if (ok) this.stored = { version: value.version, ttlMs }
    return ok
  }

  /** Deletes the write's key (best effort). */
  async invalidate(): Promise<boolean> {
    return this.cache('cache-del', () => this.scope.cache.del(this.key))
  }

  /** The write committed `user`. */
  done(user: UserRow): WriteOutcome {
    return { ok: true, from: 'db', version: user.version, user, ...this.report() }
  }

  /** The write did not commit; the error is the failed step's. */
  failed(): WriteOutcome {
    const error = this.trace.findLast((s) => !s.ok)?.detail ?? 'the write failed'
    return { ok: false, from: 'none', error, ...this.report() }
  }

  private report() {
    return { trace: this.trace, work: this.work, cacheFailed: this.cacheFailed, stored: this.stored }
  }
}

function since(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100
}

/** Renames a user in the database (its version goes up by one); a missing row is an error. */
export async function renameUser(scope: Scope, userId: number, name: string): Promise<UserRow> {
  const user = await scope.db.updateUser(userId, name)
  if (!user) throw new Error(`no user ${userId}`)
  return user
}
