/**
 * Prepares the embedded database: creates PGlite's data directory (initdb, the slow part) and the schema,
 * so the app's start opens a ready directory in about half a second. Does nothing with DATABASE_URL set.
 */
import { resolveConfig } from '../server/config'
import { openDatabase } from '../server/db/open'

const config = resolveConfig()
if (config.databaseUrl) {
  console.log('DATABASE_URL is set: nothing to prepare for the embedded database.')
} else {
  const started = performance.now()
  const db = await openDatabase({ pgliteDir: config.pgliteDir })
  await db.close()
  console.log(`Embedded database ready in ${config.pgliteDir} (${Math.round(performance.now() - started)} ms)`)
}
