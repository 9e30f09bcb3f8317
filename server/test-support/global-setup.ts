/**
 * Runs once per `vitest run`, in the main process, before any test file:
 *
 * - Prepares the PGlite template directory (`.data/pglite-test-template`). Opening an empty directory runs
 *   initdb (~3 s, ~800 MB); copying a prepared one and opening the copy takes well under a second, so every
 *   test that needs PGlite copies this template (see pglite.ts and server/db/template.ts).
 * - Migrates the PostgreSQL test database once, so test files running in parallel never race on CREATE TABLE.
 */
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { openDatabase } from '../db/open'
import { prepareTemplate } from '../db/template'
import { ROOT, postgresUrl } from './env'

export const TEMPLATE_DIR = path.join(ROOT, '.data', 'pglite-test-template')

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const [template] = await Promise.all([
    prepareTemplate(TEMPLATE_DIR),
    openDatabase({ databaseUrl: postgresUrl() }).then(
      (db) => db.close(),
      (err: Error) => {
        throw new Error(`The tests need PostgreSQL at ${postgresUrl()} (set TEST_DATABASE_URL): ${err.message}`)
      },
    ),
  ])
  project.provide('pgliteTemplate', template)
}
