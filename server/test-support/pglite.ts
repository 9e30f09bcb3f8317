/**
 * Private PGlite databases for tests: each is a fresh copy of the template the global setup prepared, in its
 * own temporary directory, removed again when the test (or file) that made it is done.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { inject } from 'vitest'
import type { Database } from '../db/database'
import { openDatabase } from '../db/open'

/** Copies the template into a new temporary directory and returns its path. The caller removes it. */
export function copyPgliteTemplate(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cachelab-pglite-'))
  cpSync(inject('pgliteTemplate'), dir, { recursive: true })
  return dir
}

export interface PrivatePglite {
  db: Database
  dir: string
  /** Closes the database and removes its directory. */
  close(): Promise<void>
}

export async function openPrivatePglite(): Promise<PrivatePglite> {
  const dir = copyPgliteTemplate()
  try {
    const db = await openDatabase({ pgliteDir: dir })
    return {
      db,
      dir,
      async close() {
        await db.close()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
}
