/**
 * Prepared PGlite templates: a data directory created and migrated once, then copied for every run that needs
 * a database of its own (tests, benches, fuzz, chaos). Opening an empty directory runs initdb (~3 s, ~800 MB);
 * copying a prepared one and opening the copy takes well under a second.
 *
 * A template is built in a temporary directory and renamed into place with a READY file naming the PGlite
 * version, and is never opened in place afterwards, so it can neither be half-made nor written by two
 * processes. A template without READY, or from another PGlite version, is rebuilt.
 */
import { cpSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from '../paths'
import { lockFileFor } from './dir-lock'
import { openDatabase } from './open'

function pgliteVersion(): string {
  const pkg = path.join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json')
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version
}

/** Makes sure `dir` holds a ready template (rebuilding it when `rebuild` is set); resolves to `dir`. */
export async function prepareTemplate(dir: string, opts: { rebuild?: boolean } = {}): Promise<string> {
  const ready = path.join(dir, 'READY')
  const version = pgliteVersion()
  if (!opts.rebuild && existsSync(ready) && readFileSync(ready, 'utf8').trim() === version) return dir
  const building = `${dir}.tmp-${process.pid}`
  rmSync(building, { recursive: true, force: true })
  const db = await openDatabase({ pgliteDir: building })
  await db.close()
  writeFileSync(path.join(building, 'READY'), version)
  rmSync(dir, { recursive: true, force: true })
  try {
    renameSync(building, dir)
  } catch (err) {
    // Another process renamed its template into place first: use that one.
    rmSync(building, { recursive: true, force: true })
    if (!existsSync(ready)) throw err
  }
  return dir
}

/** Copies a prepared template into `into` (which must not be in use). */
export function copyTemplate(template: string, into: string): void {
  rmSync(into, { recursive: true, force: true })
  cpSync(template, into, { recursive: true })
}

/** Removes a data directory and its lock file. */
export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
  rmSync(lockFileFor(dir), { force: true })
}
