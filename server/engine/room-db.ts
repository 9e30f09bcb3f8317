/**
 * A room's database as one request sees it. Every statement is recorded with its duration (including the
 * room's artificial latency, so a miss visibly costs something), counted in flight while it runs, and
 * reported to the consistency oracle when it reads or writes a row version.
 */
import { make, roundMs, type EventContext, type EventInput } from '../../lib/events'
import { dataKey } from '../../lib/keys'
import type { Database, Queryable, QueryResult } from '../db/database'
import { errors } from './errors'
import type { RoomMetrics } from './metrics'
import type { Oracle } from './oracle'
import type { RoomFaults } from './faults'

export interface DbDeps {
  db: Database
  room: string
  metrics: RoomMetrics
  oracle: Oracle
  faults: RoomFaults
  latency(): { ms: number; jitterMs: number }
  /** The room's database is failing: every statement is answered with an error by the database itself. */
  failing?(): boolean
  record(event: EventInput): void
}

/** What a database write fault makes the database say (the SQLSTATE 40001 a busy Postgres returns). */
const INJECTED_FAILURE = `DO $$ BEGIN RAISE EXCEPTION 'could not serialize access due to concurrent update' USING ERRCODE = 'serialization_failure'; END $$`

export interface UserRow {
  id: number
  name: string
  email: string
  popular: boolean
  version: number
  updated_at: string
}

/** What a failing database answers every statement with (SQLSTATE 57P03, a server that refuses work). */
const FAILING = `DO $$ BEGIN RAISE EXCEPTION 'the database system is not accepting queries (the room''s database is failing)' USING ERRCODE = 'cannot_connect_now'; END $$`

const USER_COLUMNS = 'id, name, email, popular, version, updated_at'

export class RoomDb {
  /** Inside a transaction: the oracle hears of committed versions only once the transaction commits. */
  private readonly afterCommit: (() => void)[] | undefined

  constructor(
    private readonly deps: DbDeps,
    private readonly ctx: EventContext,
    private readonly tx?: Queryable,
  ) {
    if (tx) this.afterCommit = []
  }

  /**
   * Runs `fn` in one database transaction, its statements recorded like any others. Committed when `fn`
   * resolves, rolled back when it throws (an armed db-write fault inside makes the database abort it).
   */
  async transaction<T>(fn: (tx: RoomDb) => Promise<T>): Promise<T> {
    let inner: RoomDb | undefined
    const result = await this.deps.db.transaction((q) => fn((inner = new RoomDb(this.deps, this.ctx, q))))
    for (const notify of inner?.afterCommit ?? []) notify()
    return result
  }

  async getUser(id: number): Promise<UserRow | undefined> {
    const sql = `SELECT ${USER_COLUMNS} FROM users WHERE room = $1 AND id = $2`
    const rows = await this.run<UserRow>('query', sql, [id], dataKey.user(id))
    const user = rows[0]
    if (user) this.deps.oracle.observed(dataKey.user(id), user.version, Date.now())
    return user
  }

  /** Renames the user and bumps its version; returns the new row. */
  async updateUser(id: number, name: string): Promise<UserRow | undefined> {
    const sql = `UPDATE users SET name = $3, version = version + 1, updated_at = now() WHERE room = $1 AND id = $2 RETURNING ${USER_COLUMNS}`
    const rows = await this.run<UserRow>('update', sql, [id, name], dataKey.user(id))
    const user = rows[0]
    if (user) this.committed(dataKey.user(id), user.version)
    return user
  }

  /** Tells the oracle a version is committed: now, or when the enclosing transaction commits. */
  private committed(entity: string, version: number): void {
    const notify = () => this.deps.oracle.committed(entity, version, Date.now())
    if (this.afterCommit) this.afterCommit.push(notify)
    else notify()
  }

  /**
   * Runs a SELECT on the room's rows (`$1` is the room id; `params` follow) and records it as a `query`
   * event for `key`. Labs with their own tables and shapes use this.
   */
  select<T extends { version?: number }>(sql: string, params: unknown[], key: string): Promise<T[]> {
    return this.run<T>('query', sql, params, key)
  }

  /** Runs a write (`$1` is the room id) and records it as an `update` event; honours the db-write fault. */
  write<T extends { version?: number }>(sql: string, params: unknown[], key: string): Promise<T[]> {
    return this.run<T>('update', sql, params, key)
  }

  private async run<T extends { version?: number }>(
    kind: 'query' | 'update',
    sql: string,
    params: unknown[],
    key: string,
  ): Promise<T[]> {
    const { db, room, metrics, record } = this.deps
    const started = performance.now()
    metrics.queryStarted()
    try {
      const { ms: latency, jitterMs } = this.deps.latency()
      const delay = latency + Math.random() * jitterMs
      if (delay > 0) await new Promise((r) => setTimeout(r, delay))
      const inject = kind === 'update' && this.deps.faults.take('db-write')
      const q: Queryable = this.tx ?? db
      let result: QueryResult<T>
      if (this.deps.failing?.()) result = await q.query<T>(FAILING)
      else if (!inject) result = await q.query<T>(sql, [room, ...params])
      else if (this.tx) {
        // Inside a transaction: the write runs, then the database aborts the whole transaction.
        await this.tx.query<T>(sql, [room, ...params])
        result = await this.tx.query<T>(INJECTED_FAILURE)
      } else {
        // The write really runs, then its transaction is aborted: nothing is committed.
        result = await db.transaction(async (tx) => {
          const r = await tx.query<T>(sql, [room, ...params])
          await tx.query(INJECTED_FAILURE)
          return r
        })
      }
      const ms = roundMs(performance.now() - started)
      const version = result.rows[0]?.version
      if (kind === 'query') record(make('query', 'db', { sql, ms, rows: result.rowCount, version }, key, this.ctx))
      else record(make('update', 'db', { sql, ms, version }, key, this.ctx))
      return result.rows
    } catch (err) {
      const ms = roundMs(performance.now() - started)
      record(make('db-error', 'db', { sql, ms, message: (err as Error).message }, key, this.ctx))
      throw errors.dbUnavailable(err)
    } finally {
      metrics.queryEnded()
    }
  }
}
