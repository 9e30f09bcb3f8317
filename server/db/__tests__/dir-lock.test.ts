/**
 * The PGlite data directory lock: a second process on a directory in use is refused with an error that names
 * the directory and the owner's pid, and the owner's data stays as it was; a lock left by a dead process is
 * taken over; a lock from another host is respected.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ROOT } from '../../paths'
import { copyPgliteTemplate } from '../../test-support/pglite'
import { openDatabase } from '../open'
import { lockFileFor } from '../dir-lock'
import type { Database } from '../database'

const dirs: string[] = []
const open: Database[] = []
afterEach(async () => {
  for (const db of open.splice(0)) await db.close().catch(() => {})
  for (const dir of dirs.splice(0)) {
    rmSync(dir, { recursive: true, force: true })
    rmSync(lockFileFor(dir), { force: true })
  }
})

function freshDir(): string {
  const dir = copyPgliteTemplate()
  dirs.push(dir)
  return dir
}

async function openTracked(dir: string): Promise<Database> {
  const db = await openDatabase({ pgliteDir: dir })
  open.push(db)
  return db
}

/** Opens `dir` in another Node process, as a second app would; resolves to its exit code and stderr. */
function openInOtherProcess(dir: string): Promise<{ code: number | null; stderr: string }> {
  const script = `
    import { openDatabase } from ${JSON.stringify(path.join(ROOT, 'server/db/open.ts'))}
    try {
      const db = await openDatabase({ pgliteDir: ${JSON.stringify(dir)} })
      await db.query("INSERT INTO users (room, id, name, email) VALUES ('second', 1, 'b', 'b@x')")
      await db.close()
      process.exit(0)
    } catch (err) {
      process.stderr.write(err.message)
      process.exit(1)
    }`
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code, stderr }))
  })
}

describe('PGlite data directory lock', () => {
  it('refuses a second process with an error naming the directory and the owner, and keeps the data', async () => {
    const dir = freshDir()
    const db = await openTracked(dir)
    await db.query("INSERT INTO users (room, id, name, email) VALUES ('first', 1, 'a', 'a@x')")

    const second = await openInOtherProcess(dir)
    expect(second.code).toBe(1)
    expect(second.stderr).toContain(`directory ${dir} is in use by process ${process.pid}`)

    const rows = await db.query<{ room: string }>('SELECT room FROM users ORDER BY room')
    expect(rows.rows).toEqual([{ room: 'first' }])
    await db.query("INSERT INTO users (room, id, name, email) VALUES ('first', 2, 'c', 'c@x')")
    expect((await db.query('SELECT 1 FROM users')).rowCount).toBe(2)
  }, 60_000)

  it('refuses a second open in the same process too', async () => {
    const dir = freshDir()
    await openTracked(dir)
    await expect(openDatabase({ pgliteDir: dir })).rejects.toMatchObject({ code: 'E_DB_LOCKED' })
  })

  it('releases the lock on close, so the directory opens again', async () => {
    const dir = freshDir()
    const db = await openTracked(dir)
    expect(existsSync(lockFileFor(dir))).toBe(true)
    await db.close()
    open.splice(open.indexOf(db), 1)
    expect(existsSync(lockFileFor(dir))).toBe(false)
    await openTracked(dir)
  })

  it('takes over a lock left by a process that died', async () => {
    const dir = freshDir()
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
    const deadPid = Number(dead.stdout)
    expect(deadPid).toBeGreaterThan(0)
    const { hostname } = await import('node:os')
    writeFileSync(lockFileFor(dir), JSON.stringify({ pid: deadPid, host: hostname(), since: '2026-01-01T00:00:00Z' }))

    const db = await openTracked(dir)
    expect(JSON.parse(readFileSync(lockFileFor(dir), 'utf8'))).toMatchObject({ pid: process.pid })
    expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
  })

  it('respects a lock from another host, which it cannot check', async () => {
    const dir = freshDir()
    writeFileSync(lockFileFor(dir), JSON.stringify({ pid: 1, host: 'elsewhere.example', since: 'x' }))
    await expect(openDatabase({ pgliteDir: dir })).rejects.toThrow(/in use by process 1 on host elsewhere\.example/)
  })
})
