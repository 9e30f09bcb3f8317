/** The embedded adapter: PGlite (Postgres compiled to WebAssembly) in this process, data kept on disk. */
import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import type { Database, Queryable, QueryResult } from './database'
import { lockDataDir } from './dir-lock'

/**
 * Opens (or, the first time, creates) the data directory. Creating runs initdb: about 4 s and 800 MB here;
 * reopening a prepared directory takes about 0.5 s and 300 MB, which is why the build prepares it.
 * The directory is locked first (dir-lock.ts): a second process gets a DataDirLockedError, not our data.
 */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true })
  const unlock = dataDir ? await lockDataDir(dataDir) : () => {}
  let db: PGlite
  try {
    db = await PGlite.create(dataDir ? { dataDir, relaxedDurability: true } : {})
  } catch (err) {
    unlock()
    throw err
  }
  const wrap = (q: Pick<PGlite, 'query'>): Queryable => ({
    async query<T>(sql: string, params: unknown[] = []): Promise<QueryResult<T>> {
      const result = await q.query<T>(sql, params)
      // PGlite reports affectedRows 0 for a SELECT; rows returned count as the statement's rows.
      return { rows: result.rows, rowCount: Math.max(result.rows.length, result.affectedRows ?? 0) }
    },
  })
  const top = serial(wrap(db))
  return {
    kind: 'pglite',
    query: top.query,
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close: async () => {
      try {
        await db.close()
      } finally {
        unlock()
      }
    },
  }
}

/**
 * PGlite runs each query synchronously on this thread, and queries queued behind each other run back to back
 * in microtasks, so a burst blocks every timer and socket until the last is done. This runs them one at a
 * time with a turn of the event loop before each.
 */
function serial(q: Queryable): Queryable {
  let tail: Promise<unknown> = Promise.resolve()
  return {
    query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
      const run = tail.then(() => new Promise<void>((resolve) => setImmediate(resolve))).then(() => q.query<T>(sql, params))
      tail = run.catch(() => {})
      return run
    },
  }
}
