/**
 * An exclusive lock on a PGlite data directory. PGlite has no postmaster to refuse a second opener: two
 * processes on one directory each run their own Postgres over the same files and overwrite each other's
 * pages (measured: a second app's start-up sweep deleted the first's rooms; two plain PGlite processes lost
 * 297 committed rows). So the directory gets a lock file beside it, `<dir>.lock`, holding the owner's pid and
 * host (beside, not inside, so a copy of a live directory never carries its lock along).
 *
 * - Taken atomically: the owner's JSON is written to a private file, then hard-linked to the lock's name;
 *   link() fails with EEXIST when a lock is there, and a lock is never seen half written.
 * - A lock whose pid is dead on this host (a crash, SIGKILL) is stale and taken over. The takeover runs under
 *   a second exclusive file, so two processes taking over the same stale lock cannot both win.
 * - A lock from another host cannot be checked and counts as held: the error says which file to remove.
 * - Released on close, and on process exit for a process that exits without closing.
 */
import { linkSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import path from 'node:path'

interface Owner {
  pid: number
  host: string
  since: string
}

export class DataDirLockedError extends Error {
  readonly code = 'E_DB_LOCKED'
  constructor(
    readonly dir: string,
    readonly owner: Owner,
    readonly lockFile: string,
  ) {
    const who = owner.host === hostname() ? `process ${owner.pid}` : `process ${owner.pid} on host ${owner.host}`
    super(
      `The embedded database directory ${dir} is in use by ${who} (since ${owner.since}). ` +
        `Two processes on one directory destroy each other's data: stop that process or set PGLITE_DIR to another ` +
        `directory. If ${who} is not this app, remove ${lockFile}.`,
    )
  }
}

/** Locks this process holds, by lock file, with the exact text it wrote (released only while unchanged). */
const held = new Map<string, string>()
/** A takeover file older than this was left by a process that died mid-takeover. */
const TAKEOVER_STALE_MS = 5000

export function lockFileFor(dir: string): string {
  return `${path.resolve(dir)}.lock`
}

/** Takes the lock on `dir` or throws DataDirLockedError; resolves to the function that releases it. */
export async function lockDataDir(dir: string): Promise<() => void> {
  const file = lockFileFor(dir)
  if (held.has(file)) throw new DataDirLockedError(path.resolve(dir), readOwner(file) ?? me(), file)
  const text = JSON.stringify(me())
  for (let attempt = 0; attempt < 50; attempt++) {
    if (createExclusive(file, text)) {
      held.set(file, text)
      return () => release(file)
    }
    const found = readText(file)
    if (found === undefined) continue // released meanwhile: try again
    const owner = parseOwner(found)
    if (owner && isLive(owner)) throw new DataDirLockedError(path.resolve(dir), owner, file)
    if (!owner && ageMs(file) < TAKEOVER_STALE_MS) {
      // Unreadable and fresh: not ours to judge yet (link() never shows a partial lock, so this is a foreign file).
      await sleep(50)
      continue
    }
    await takeOver(file, found)
  }
  throw new Error(`Could not take the lock ${file}: it kept changing hands`)
}

/** Removes the lock `file` if it still holds exactly `stale`, under the takeover file. */
async function takeOver(file: string, stale: string): Promise<void> {
  const guard = `${file}.takeover`
  if (!createExclusive(guard, JSON.stringify(me()))) {
    if (ageMs(guard) > TAKEOVER_STALE_MS) removeIfSame(guard, readText(guard))
    else await sleep(20)
    return
  }
  try {
    removeIfSame(file, stale)
  } finally {
    removeIfSame(guard, readText(guard))
  }
}

function release(file: string): void {
  const text = held.get(file)
  if (text === undefined) return
  held.delete(file)
  removeIfSame(file, text)
}

process.on('exit', () => {
  for (const file of [...held.keys()]) release(file)
})

function me(): Owner {
  return { pid: process.pid, host: hostname(), since: new Date().toISOString() }
}

function createExclusive(file: string, text: string): boolean {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`
  writeFileSync(tmp, text)
  try {
    linkSync(tmp, file)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  } finally {
    unlinkSync(tmp)
  }
}

function isLive(owner: Owner): boolean {
  if (owner.host !== hostname()) return true // cannot be checked from here
  // Our own pid in a lock we do not hold: left by an earlier process that had our pid (a container's pid 1).
  if (owner.pid === process.pid) return false
  try {
    process.kill(owner.pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' // alive, someone else's
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

function readOwner(file: string): Owner | undefined {
  const text = readText(file)
  return text === undefined ? undefined : parseOwner(text)
}

function parseOwner(text: string): Owner | undefined {
  try {
    const o = JSON.parse(text) as Partial<Owner>
    if (typeof o.pid === 'number' && typeof o.host === 'string') return { pid: o.pid, host: o.host, since: String(o.since) }
  } catch {
    // not a lock this module wrote
  }
  return undefined
}

function removeIfSame(file: string, text: string | undefined): void {
  if (text !== undefined && readText(file) === text) {
    try {
      unlinkSync(file)
    } catch {
      // already gone
    }
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs
  } catch {
    return 0
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
