/** The server adapter: a pool of connections to the PostgreSQL server named by DATABASE_URL. */
import pg from 'pg'
import type { Database, Queryable, QueryResult } from './database'

export async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 3000, idleTimeoutMillis: 30_000 })
  // An idle client that loses its server emits here; without a listener it would crash the process.
  pool.on('error', () => {})
  const wrap = (c: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(sql: string, params: unknown[] = []): Promise<QueryResult<T>> {
      const result = await c.query(sql, params)
      return { rows: result.rows as T[], rowCount: result.rowCount ?? result.rows.length }
    },
  })
  await pool.query('SELECT 1')
  const top = wrap(pool)
  return {
    kind: 'postgres',
    query: top.query,
    async transaction(fn) {
      const client = await pool.connect()
      // A checked-out client has no listener of the pool's: a server that ends the connection meanwhile (a
      // restart, pg_terminate_backend) while the transaction waits between statements would crash the process.
      // The next statement fails on its own; the broken client is then destroyed, not returned to the pool.
      let broken: Error | undefined
      const onError = (err: Error) => void (broken = err)
      client.on('error', onError)
      try {
        await client.query('BEGIN')
        const result = await fn(wrap(client))
        await client.query('COMMIT')
        return result
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {})
        throw err
      } finally {
        client.off('error', onError)
        client.release(broken)
      }
    },
    close: () => pool.end(),
  }
}
