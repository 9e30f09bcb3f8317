/**
 * One Database interface, two adapters: embedded PGlite (the default, nothing to install) and a PostgreSQL
 * server (DATABASE_URL). The engine and the labs only ever see this interface.
 */
export interface QueryResult<T> {
  rows: T[]
  /** Rows returned by a SELECT or changed by an INSERT/UPDATE/DELETE. */
  rowCount: number
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres'
  /** Runs fn in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  close(): Promise<void>
}

export class DatabaseError extends Error {
  readonly code = 'E_DATABASE'
  constructor(
    message: string,
    readonly sql: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
