/**
 * Stampede: a 1000-request burst on an expired key, the database adding 50 ms to every query, through each
 * strategy of the stampede lab, side by side in one run (one room, the lab's own `compare` action, the same
 * keys in the same order for each). Unprotected, every request queries the database; the lock and leases
 * must make exactly one query and finish within 0.3 of the unprotected burst's time, coalescing in one app
 * server one query within 0.15 of it. The other strategies are printed for context.
 *
 * The database is the bench app's PGlite (it runs queries one at a time, as an overloaded database would):
 * set DATABASE_URL to run it on a server. Knobs: BENCH_STAMPEDE_N (1000), BENCH_STAMPEDE_ROUNDS (3; the
 * median burst time of each strategy is reported).
 */
import { STRATEGIES, STRATEGY_LABELS, type StrategyId } from '../lib/labs/stampede-math'
import type { BurstSummary } from '../lib/labs/stampede'
import { benchRoom, startBenchApp } from './app'
import { isMain, runStandalone, type Bench } from './bench'
import type { Reporter } from './report'
import { cleanUp } from './cleanup'
import { median } from './stats'

const N = Number(process.env.BENCH_STAMPEDE_N ?? 1000)
const ROUNDS = Number(process.env.BENCH_STAMPEDE_ROUNDS ?? 3)
const DB_LATENCY_MS = 50

export const stampede: Bench = {
  id: 'stampede',
  summary: `a ${N}-request burst on an expired key, DB +${DB_LATENCY_MS} ms: queries and time per stampede strategy`,
  async run(report) {
    try {
      await measure(report)
    } finally {
      await cleanUp()
    }
  },
}

async function measure(report: Reporter): Promise<void> {
  const app = await startBenchApp()
  const room = await benchRoom(app)
  const act = (action: string, params: Record<string, unknown> = {}) =>
    app.engine.act(room, { lab: 'stampede', action, ...params }, 'api')
  await act('dbLatency', { ms: DB_LATENCY_MS, jitterMs: 0 })
  await act('settings', { servers: 1 })
  // A warm-up burst, so the first measured one does not pay for connections and compiled code.
  await act('compare', { n: 100 })
  const runs = new Map<StrategyId, BurstSummary[]>()
  for (let round = 0; round < ROUNDS; round++) {
    const { rows } = (await act('compare', { n: N, start: 'expired', rampMs: 0, keys: 1 })) as { rows: BurstSummary[] }
    for (const row of rows) runs.set(row.strategy, [...(runs.get(row.strategy) ?? []), row])
  }
  report.note(`${ROUNDS} rounds of every strategy on the same burst of ${N}, one room, database ${app.db.kind}`)
  const ms = (s: StrategyId) => median(runs.get(s)!.map((r) => r.ms))
  const queries = (s: StrategyId) => Math.max(...runs.get(s)!.map((r) => r.dbQueries))
  const base = ms('none')
  for (const s of STRATEGIES) {
    const rows = runs.get(s)!
    const last = rows.at(-1)!
    report.note(
      `${STRATEGY_LABELS[s].padEnd(28)} queries ${String(queries(s)).padStart(5)}  time ${ms(s).toFixed(0).padStart(5)} ms  p50 ${last.p50.toFixed(1)}  p95 ${last.p95.toFixed(1)}  p99 ${last.p99.toFixed(1)} ms  stale ${last.stale}  errors ${last.errors}  peak in flight ${last.peakInFlight}`,
    )
  }
  const detail = (s: StrategyId) => ({
    ms: runs.get(s)!.map((r) => r.ms),
    queries: runs.get(s)!.map((r) => r.dbQueries),
  })
  report.figure('unprotected: database queries', queries('none'), 'queries', {
    target: { op: '>=', value: N },
    detail: detail('none'),
  })
  report.figure('unprotected: burst time', base, 'ms', { detail: detail('none') })
  for (const [s, ratio] of [
    ['lock', 0.3],
    ['leases', 0.3],
    ['coalescing', 0.15],
  ] as const) {
    report.figure(`${s}: database queries (max of ${ROUNDS})`, queries(s), 'queries', {
      target: { op: '<=', value: 1 },
      detail: detail(s),
    })
    report.figure(`${s}: burst time / unprotected`, Math.round((ms(s) / base) * 1000) / 1000, 'x', {
      target: { op: '<=', value: ratio },
      detail: { ...detail(s), unprotectedMs: base },
    })
  }
  // Context: the lock whose waiters park until the holder PUBLISHes, instead of polling.
  await act('settings', { lockWait: 'notify' })
  const notified: BurstSummary[] = []
  for (let round = 0; round < ROUNDS; round++) {
    notified.push(
      (await act('burst', { strategy: 'lock', n: N, start: 'expired', rampMs: 0, keys: 1 })) as BurstSummary,
    )
  }
  await act('settings', { lockWait: 'backoff' })
  const notifiedMs = median(notified.map((r) => r.ms))
  report.note(
    `lock, waiters notified          queries ${Math.max(...notified.map((r) => r.dbQueries))}  time ${notifiedMs.toFixed(0)} ms  p99 ${notified.at(-1)!.p99.toFixed(1)} ms`,
  )
  report.figure(
    'lock with notification: burst time / unprotected',
    Math.round((notifiedMs / base) * 1000) / 1000,
    'x',
    {
      detail: { ms: notified.map((r) => r.ms), queries: notified.map((r) => r.dbQueries), unprotectedMs: base },
    },
  )
}

if (isMain(import.meta.url)) await runStandalone(stampede)
