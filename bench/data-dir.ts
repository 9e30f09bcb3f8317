/**
 * Every app a bench (or `npm run fuzz`, `npm run chaos`, the soak) starts gets a database directory of its
 * own: a fresh copy of the bench template, under `.data/bench-runs/<pid>-…`, removed at cleanup. Two runs at
 * once never share a directory (PGlite cannot: see server/db/dir-lock.ts), and a run never inherits a
 * directory a killed run left half-written. Directories of runs whose process is gone are removed on the
 * next run.
 */
import { readdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from '../server/paths'
import { copyTemplate, prepareTemplate, removeDataDir } from '../server/db/template'
import { onCleanup } from './cleanup'

export const BENCH_TEMPLATE = path.join(ROOT, '.data', 'pglite-bench-template')
export const BENCH_RUNS = path.join(ROOT, '.data', 'bench-runs')

let made = 0
let swept = false

/** Copies the bench template (built first if missing or outdated) to a new directory removed at cleanup. */
export async function benchDataDir(name = 'pglite', opts: { rebuildTemplate?: boolean } = {}): Promise<string> {
  await prepareTemplate(BENCH_TEMPLATE, { rebuild: opts.rebuildTemplate })
  if (!swept) sweepDeadRuns()
  swept = true
  const dir = path.join(BENCH_RUNS, `${process.pid}-${name}-${made++}`)
  copyTemplate(BENCH_TEMPLATE, dir)
  onCleanup(async () => removeDataDir(dir))
  return dir
}

function sweepDeadRuns(): void {
  let entries: string[]
  try {
    entries = readdirSync(BENCH_RUNS)
  } catch {
    return
  }
  for (const entry of entries) {
    const pid = Number(entry.split('-')[0])
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) rmSync(path.join(BENCH_RUNS, entry), { recursive: true, force: true })
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
