/** Opens the configured database and brings its schema up to date. */
import type { Database } from './database'
import { openPglite } from './pglite'
import { openPostgres } from './postgres'
import { migrate } from './schema'

export async function openDatabase(opts: { databaseUrl?: string; pgliteDir?: string }): Promise<Database> {
  const db = opts.databaseUrl ? await openPostgres(opts.databaseUrl) : await openPglite(opts.pgliteDir)
  await migrate(db)
  return db
}
