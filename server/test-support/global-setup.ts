/**
 * Runs once per `vitest run`, in the main process, before any test file:
 *
 * - Prepares the PGlite template directory (`.data/pglite-test-template`). Opening an empty directory runs
 *   initdb (~3 s, ~800 MB); copying a prepared one and opening the copy takes well under a second, so every
 *   test that needs PGlite copies this template (see pglite.ts). The template is built in a temporary
 *   directory and renamed into place, and never opened in place afterwards, so two test runs at once cannot
 *   open the same directory. A READY file records the PGlite version it was made with.
 * - Migrates the PostgreSQL test database once, so test files running in parallel never race on CREATE TABLE.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { openDatabase } from '../db/open'
import { ROOT, postgresUrl } from './env'

export const TEMPLATE_DIR = path.join(ROOT, '.data', 'pglite-test-template')

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string
  }
}

function pgliteVersion(): string {
  const pkg = path.join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json')
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version
}

async function prepareTemplate(): Promise<string> {
  const ready = path.join(TEMPLATE_DIR, 'READY')
  const version = pgliteVersion()
  if (existsSync(ready) && readFileSync(ready, 'utf8').trim() === version) return TEMPLATE_DIR
  const building = `${TEMPLATE_DIR}.tmp-${process.pid}`
  rmSync(building, { recursive: true, force: true })
  const db = await openDatabase({ pgliteDir: building })
  await db.close()
  writeFileSync(path.join(building, 'READY'), version)
  rmSync(TEMPLATE_DIR, { recursive: true, force: true })
  try {
    renameSync(building, TEMPLATE_DIR)
  } catch (err) {
    // Another run renamed its template into place first: use that one.
    rmSync(building, { recursive: true, force: true })
    if (!existsSync(ready)) throw err
  }
  return TEMPLATE_DIR
}

export default async function setup(project: TestProject): Promise<void> {
  const [template] = await Promise.all([
    prepareTemplate(),
    openDatabase({ databaseUrl: postgresUrl() }).then(
      (db) => db.close(),
      (err: Error) => {
        throw new Error(`The tests need PostgreSQL at ${postgresUrl()} (set TEST_DATABASE_URL): ${err.message}`)
      },
    ),
  ])
  project.provide('pgliteTemplate', template)
}
