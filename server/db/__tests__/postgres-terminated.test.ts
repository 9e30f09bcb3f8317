/**
 * A PostgreSQL server that ends a connection while a transaction holds it between two statements (what a
 * server restart does to every connection) fails that transaction with an error; it must not crash the
 * process with an uncaught 'error' event, and the pool must go on answering.
 */
import { afterAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { postgresUrl } from '../../test-support/env'
import { openDatabase } from '../open'

const admin = new pg.Client({ connectionString: postgresUrl() })

afterAll(async () => {
  await admin.end().catch(() => {})
})

describe('PostgreSQL transaction on a connection the server ends', () => {
  it('rejects the transaction, raises nothing uncaught, and the pool answers again', { timeout: 30_000 }, async () => {
    await admin.connect()
    const db = await openDatabase({ databaseUrl: postgresUrl() })
    const uncaught: unknown[] = []
    const onUncaught = (err: unknown) => void uncaught.push(err)
    process.on('uncaughtException', onUncaught)
    try {
      let pid = 0
      let terminated!: () => void
      const wait = new Promise<void>((r) => (terminated = r))
      const tx = db.transaction(async (q) => {
        pid = (await q.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid
        await wait // idle inside the transaction, as the engine is while it waits on Redis
        await q.query('SELECT 1')
      })
      while (pid === 0) await new Promise((r) => setTimeout(r, 10))
      await admin.query('SELECT pg_terminate_backend($1)', [pid])
      // Until the server has closed it, and the client has read the FATAL message.
      for (let i = 0; i < 100; i++) {
        const left = await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])
        if (left.rowCount === 0) break
        await new Promise((r) => setTimeout(r, 20))
      }
      await new Promise((r) => setTimeout(r, 200))
      terminated()
      await expect(tx).rejects.toThrow()
      expect(uncaught).toEqual([])
      expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
    } finally {
      process.off('uncaughtException', onUncaught)
      await db.close()
    }
  })
})
