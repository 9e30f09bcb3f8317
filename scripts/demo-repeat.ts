/**
 * `npm run demo:repeat [filter] [count]`: runs every demo of every lab `count` times in a row (default 20)
 * through the engine, as "Show me" runs them, against the real Redis and a PGlite of its own
 * (.data/pglite-demo-repeat), each run in a fresh room. `filter` picks labs or demos: `pattern-invalidation`,
 * `keys-blocks`, `pattern-invalidation/keys-blocks`, or several joined by commas; `all` (the default) runs
 * every one. DEMO_JOBS=n runs n demos at once, each in its own room (default 1: one at a time, as a learner
 * would); a demo's own runs are always one after another.
 *
 * A demo that proves its claim only sometimes teaches the opposite of its lesson the time it fails, so this
 * prints each failing run's failed checks with their measured detail, then one line per demo
 * (passes/runs), and exits 1 if any run failed. A failed run's events go to bench/out/demo-repeat/.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { cleanUp, onCleanup } from '../bench/cleanup'
import type { LabEvent } from '../lib/events'
import { LABS } from '../lib/labs/catalogue'
import { ROOT, startApp } from '../server/app'
import { roomsWithRows } from '../server/db/seed'
import { resolveConfig } from '../server/config'
import type { DemoResult } from '../server/engine/demo-runner'
import { setLogLevel } from '../server/log'

const [filterArg = 'all', countArg = '20'] = process.argv.slice(2)
const COUNT = Number(countArg)
const JOBS = Number(process.env.DEMO_JOBS ?? 1)
const OUT = path.join(ROOT, 'bench', 'out', 'demo-repeat')
if (!Number.isInteger(COUNT) || COUNT < 1) {
  process.stderr.write(`count must be a positive whole number, got ${countArg}\n`)
  process.exit(2)
}

/** Does `lab/demo` match one of the comma-separated filters? */
function picked(lab: string, demo: string): boolean {
  if (filterArg === 'all') return true
  return filterArg.split(',').some((f) => f === lab || f === demo || f === `${lab}/${demo}`)
}

interface Tally {
  lab: string
  demo: string
  passed: number
  runs: number
  ms: number[]
  failures: string[]
}

const tallies: Tally[] = LABS.flatMap((lab) =>
  lab.demos
    .filter((d) => picked(lab.id, d.id))
    .map((d) => ({ lab: lab.id, demo: d.id, passed: 0, runs: 0, ms: [], failures: [] })),
)
if (tallies.length === 0) {
  process.stderr.write(`no demo matches "${filterArg}"\n`)
  process.exit(2)
}

/** What a demo's steps sleep and wait, at most: a rough measure of how long it runs. */
function budget(t: Tally): number {
  const demo = LABS.find((l) => l.id === t.lab)!.demos.find((d) => d.id === t.demo)!
  return demo.steps.reduce((ms, s) => ms + ('sleepMs' in s ? s.sleepMs : 'timeoutMs' in s ? s.timeoutMs : 0), 0)
}

try {
  setLogLevel('warn')
  const config = resolveConfig({
    PORT: '0',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    // Its own directory (DEMO_PGLITE_DIR to run two at once): the start-up sweep below removes the rooms it finds.
    PGLITE_DIR: process.env.DEMO_PGLITE_DIR ?? path.join(ROOT, '.data', 'pglite-demo-repeat'),
    LOG_LEVEL: 'warn',
  })
  const app = await startApp({ config, next: false })
  onCleanup(() => app.close())
  // Rooms found at start were left by a run that was killed.
  for (const id of await roomsWithRows(app.db)) await app.engine.rooms.destroy(id)
  const started = Date.now()
  process.stdout.write(`running ${tallies.length} demos ${COUNT} times each, ${JOBS} at once\n`)

  const runDemo = async (t: Tally) => {
    for (let i = 1; i <= COUNT; i++) {
      const { id: room } = await app.engine.createRoom()
      const events: LabEvent[] = []
      const stop = app.engine.recorder.listen(room, (e: LabEvent) => void events.push(e))
      const result = (await app.engine
        .act(room, { lab: t.lab, action: 'demo', id: t.demo }, 'api')
        .catch((err: unknown) => ({
          demo: t.demo,
          passed: false,
          ms: 0,
          checks: [{ text: 'the demo ran', passed: false, detail: (err as Error).message }],
        }))) as DemoResult
      stop()
      await app.engine.rooms.destroy(room).catch(() => {})
      t.runs += 1
      t.ms.push(result.ms)
      const figures = result.checks.map((c) => c.detail).filter(Boolean).join(' | ')
      if (result.passed) t.passed += 1
      else {
        const failed = result.checks.filter((c) => !c.passed).map((c) => `"${c.text}": ${c.detail ?? ''}`)
        // The whole run's events, to see why (they are what the checks read).
        const file = path.join(OUT, `${t.lab}-${t.demo}-${i}.json`)
        mkdirSync(OUT, { recursive: true })
        writeFileSync(file, JSON.stringify({ checks: result.checks, events }, null, 1))
        t.failures.push(`run ${i}: ${failed.join('; ')} (events in ${path.relative(ROOT, file)})`)
      }
      process.stdout.write(`${result.passed ? 'pass' : 'FAIL'} ${t.lab}/${t.demo} #${i} ${result.ms} ms  ${figures}\n`)
    }
  }
  // Longest first (by the time its steps sleep and wait), so the slow demos do not start last.
  const queue = [...tallies].sort((a, b) => budget(b) - budget(a))
  await Promise.all(
    Array.from({ length: Math.max(1, JOBS) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await runDemo(next)
    }),
  )

  process.stdout.write(`\nsummary (${((Date.now() - started) / 1000).toFixed(0)} s):\n`)
  for (const t of tallies) {
    const sorted = [...t.ms].sort((a, b) => a - b)
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0
    process.stdout.write(
      `${t.passed === t.runs ? 'ok  ' : 'FAIL'} ${t.lab}/${t.demo}: ${t.passed}/${t.runs} passed, median ${median} ms\n`,
    )
    for (const f of t.failures) process.stdout.write(`       ${f}\n`)
  }
  process.exitCode = tallies.every((t) => t.passed === t.runs) ? 0 : 1
} catch (err) {
  process.stderr.write(`demo:repeat failed: ${(err as Error).stack ?? String(err)}\n`)
  process.exitCode = 1
} finally {
  await cleanUp()
}
process.exit()
