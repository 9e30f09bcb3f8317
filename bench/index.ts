/**
 * Runs the benchmarks in sequence, prints each figure as one line, and writes bench/out/results.json.
 *
 *   npm run bench                  all of them
 *   npm run bench -- hit-path      a subset, by id (also BENCH=hit-path,expiry)
 *   node --import tsx bench/hit-path.ts    one on its own (writes bench/out/hit-path.json)
 *
 * A new benchmark (startup, browser…) is a module exporting a `Bench` (see bench.ts) added to BENCHES.
 * Knobs: BENCH_OPS and BENCH_ROUNDS (hit-path), BENCH_FILLER (expiry), BENCH_STAMPEDE_N and
 * BENCH_STAMPEDE_ROUNDS (stampede), BENCH_FAILOVER_ROUNDS and BENCH_DATABASE_URL (failover), BENCH_CAPACITY_ROOMS,
 * BENCH_CAPACITY_CONNECTIONS, BENCH_CAPACITY_FILL and BENCH_CAPACITY_PARTS (capacity), REDIS_URL.
 */
import path from 'node:path'
import { isMain, OUT_DIR, type Bench } from './bench'
import { browser } from './browser'
import { capacity } from './capacity'
import { classroom } from './classroom'
import { classroomCluster } from './classroom-cluster'
import { expiry } from './expiry'
import { failover } from './failover'
import { hitPath } from './hit-path'
import { redisDown } from './redis-down'
import { stampede } from './stampede'
import { startup } from './startup'
import { warming } from './warming'
import { formatFigure, Report, type RunRecord } from './report'

export const BENCHES: Bench[] = [
  hitPath,
  expiry,
  startup,
  browser,
  classroom,
  classroomCluster,
  redisDown,
  warming,
  stampede,
  failover,
  capacity,
]

export function select(args: string[], env = process.env.BENCH): Bench[] {
  const wanted = [...args, ...(env ? env.split(',') : [])].map((s) => s.trim()).filter(Boolean)
  if (wanted.length === 0) return BENCHES
  const unknown = wanted.filter((id) => !BENCHES.some((b) => b.id === id))
  if (unknown.length > 0) {
    throw new Error(
      `Unknown bench ${unknown.join(', ')}. Benches: ${BENCHES.map((b) => `${b.id} (${b.summary})`).join('; ')}`,
    )
  }
  return BENCHES.filter((b) => wanted.includes(b.id))
}

export async function runBenches(benches: Bench[], report = new Report()): Promise<RunRecord[]> {
  const runs: RunRecord[] = []
  for (const bench of benches) {
    process.stdout.write(`\n== ${bench.id}: ${bench.summary}\n`)
    const started = performance.now()
    try {
      await bench.run(report.for(bench.id))
      runs.push({ bench: bench.id, ok: true, seconds: secondsSince(started) })
    } catch (err) {
      const error = (err as Error).stack ?? String(err)
      process.stderr.write(`${bench.id} failed: ${error}\n`)
      runs.push({ bench: bench.id, ok: false, seconds: secondsSince(started), error })
    }
  }
  return runs
}

function secondsSince(started: number): number {
  return Math.round((performance.now() - started) / 100) / 10
}

async function main(): Promise<void> {
  const benches = select(process.argv.slice(2))
  const report = new Report()
  const runs = await runBenches(benches, report)
  const file = path.join(OUT_DIR, 'results.json')
  report.save(file, runs)
  process.stdout.write(`\n== summary (${path.relative(process.cwd(), file)})\n`)
  for (const f of report.figures) if (f.target) process.stdout.write(`${f.pass ? 'ok  ' : 'MISS'} ${formatFigure(f)}\n`)
  for (const r of runs) if (!r.ok) process.stdout.write(`FAIL ${r.bench} (see the error above)\n`)
  process.exit(runs.every((r) => r.ok) ? 0 : 1)
}

if (isMain(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`)
    process.exit(2)
  })
}
