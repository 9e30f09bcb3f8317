/**
 * Start-up: time from launching the production `npm start` to its first page (GET / answered 200), and the
 * resident memory of the whole process tree once the app sits idle. Needs a production build (npm run
 * build). Each round runs on a fresh copy of the prepared embedded database (data-dir.ts), like a restart would.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from '../server/app'
import { freePort } from '../server/redis/resolve'
import { removeDataDir } from '../server/db/template'
import { isMain, runStandalone, type Bench } from './bench'
import { benchDataDir } from './data-dir'
import { median } from './stats'

const ROUNDS = Number(process.env.BENCH_START_ROUNDS ?? 3)
const IDLE_MS = 5000

export const startup: Bench = {
  id: 'startup',
  summary: 'production npm start: time to first page and idle memory',
  async run(report) {
    if (!existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) throw new Error('No production build: run `npm run build` first.')
    const firstPage: number[] = []
    const rss: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      const dir = await benchDataDir('start')
      const port = await freePort()
      const started = performance.now()
      const child = spawn('npm', ['start'], {
        cwd: ROOT,
        env: { ...process.env, PORT: String(port), PGLITE_DIR: dir, LOG_LEVEL: 'warn' },
        stdio: 'ignore',
        detached: true,
      })
      try {
        await waitForPage(`http://127.0.0.1:${port}/`, child)
        firstPage.push(performance.now() - started)
        await new Promise((r) => setTimeout(r, IDLE_MS))
        rss.push(treeRssMb(child.pid!))
      } finally {
        await stop(child)
        removeDataDir(dir)
      }
      report.note(`# round ${round + 1}: first page ${Math.round(firstPage.at(-1)!)} ms, idle RSS ${Math.round(rss.at(-1)!)} MB`)
    }
    report.figure('startup first page (slowest round)', Math.round(Math.max(...firstPage)), 'ms', {
      target: { op: '<=', value: 3000 },
      detail: { rounds: firstPage.map(Math.round), median: Math.round(median(firstPage)) },
    })
    report.figure('startup idle resident memory', Math.round(Math.max(...rss)), 'MB', {
      target: { op: '<=', value: 600 },
      detail: { rounds: rss.map(Math.round), note: 'npm, node and everything they started, after 5 s idle' },
    })
  },
}

async function waitForPage(url: string, child: ChildProcess): Promise<void> {
  const deadline = performance.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`)
    try {
      const res = await fetch(url)
      if (res.status === 200) return
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`${url} did not answer within 60 s`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Resident memory of a process and all its descendants, in MB, from /proc. */
function treeRssMb(pid: number): number {
  const children = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)])
    } catch {
      // exited meanwhile
    }
  }
  let kb = 0
  const visit = (p: number) => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))
      kb += m ? Number(m[1]) : 0
    } catch {
      // exited meanwhile
    }
    for (const c of children.get(p) ?? []) visit(c)
  }
  visit(pid)
  return kb / 1024
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || !child.pid) return
  const exited = new Promise((r) => child.once('exit', r))
  process.kill(-child.pid, 'SIGTERM')
  const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

if (isMain(import.meta.url)) await runStandalone(startup)
