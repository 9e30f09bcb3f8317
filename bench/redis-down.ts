/**
 * Redis down for one room: the best-practices lab's two app servers lose Redis (their proxy refuses or
 * freezes their connections; the Redis server keeps serving everyone else) while a closed-loop load of
 * reads and writes keeps going. Measured for each proxy mode:
 * - read latency while Redis is unreachable (p50/p99/max), against 250 ms plus the database latency;
 * - the share of reads and writes that still answered ok, and the failed invalidations counted;
 * - once Redis is back, the time to the first cache hit, against 2 s (no restart, no reconnect call: the
 *   clients' own retry).
 * Knobs: BENCH_DB_LATENCY (ms, default 20), BENCH_DOWN_MS (default 5000, each round 230 ms longer than the
 * last), BENCH_DOWN_ROUNDS (default 5), BENCH_DOWN_CONCURRENCY (default 16).
 */
import { setLogLevel } from '../server/log'
import { benchRoom, startBenchApp } from './app'
import { isMain, runStandalone, type Bench } from './bench'
import { cleanUp } from './cleanup'
import type { Reporter } from './report'
import { percentile, sleep, sortNumbers } from './stats'

const DB_LATENCY_MS = Number(process.env.BENCH_DB_LATENCY ?? 20)
const DOWN_MS = Number(process.env.BENCH_DOWN_MS ?? 5000)
const ROUNDS = Number(process.env.BENCH_DOWN_ROUNDS ?? 5)
/** How much longer each round's outage is than the last. */
const OFFSET_MS = 230
const CONCURRENCY = Number(process.env.BENCH_DOWN_CONCURRENCY ?? 16)
const USERS = 10
/** One request in this many is a write. */
const WRITE_EVERY = 10
const LAB = 'best-practices'

interface ReadResult {
  ok: boolean
  cache?: 'hit' | 'miss' | 'down'
}
interface WriteResult {
  ok: boolean
  cacheFailed?: boolean
}

export const redisDown: Bench = {
  id: 'redis-down',
  summary: "Redis refused or frozen for one room's app servers: read latency while down, first hit after it returns",
  async run(report) {
    const app = await startBenchApp()
    // Every failed invalidation is logged at warn (that is the point); hundreds of them would bury the figures.
    setLogLevel('error')
    try {
      const room = await benchRoom(app)
      const act = (action: string, params: Record<string, unknown> = {}) =>
        app.engine.act(room, { lab: LAB, action, ...params }, 'api')
      report.note(
        `# ${ROUNDS} rounds per mode, ${DOWN_MS} ms down (+${OFFSET_MS} ms a round), ${CONCURRENCY} concurrent clients, 1 in ${WRITE_EVERY} a write, database latency ${DB_LATENCY_MS} ms`,
      )
      for (const mode of ['refused', 'frozen'] as const) await measureMode(act, mode, report)
    } finally {
      await cleanUp()
    }
  },
}

async function measureMode(
  act: (action: string, params?: Record<string, unknown>) => Promise<unknown>,
  mode: 'refused' | 'frozen',
  report: Reporter,
): Promise<void> {
  const readMs: number[] = []
  const recovery: number[] = []
  let reads = 0
  let readsOk = 0
  let writes = 0
  let writesOk = 0
  let failedInvalidations = 0
  for (let round = 0; round < ROUNDS; round++) {
    await act('reset')
    await act('dbLatency', { ms: DB_LATENCY_MS, jitterMs: 0 })
    await act('setTtl', { seconds: 30 })
    for (let u = 1; u <= USERS; u++) await act('read', { userId: u, server: 1 + (u % 2) })
    await act('redis', { mode })
    // Each round's outage is a little longer, so Redis returns at a different point of the clients' retry cycle.
    const until = performance.now() + DOWN_MS + round * OFFSET_MS
    let i = 0
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, worker) => {
        while (performance.now() < until) {
          const n = i++
          const params = { userId: 1 + (n % USERS), server: 1 + (worker % 2) }
          if (n % WRITE_EVERY === WRITE_EVERY - 1) {
            const w = (await act('write', params)) as WriteResult
            writes += 1
            if (w.ok) writesOk += 1
            if (w.cacheFailed) failedInvalidations += 1
          } else {
            const started = performance.now()
            const r = (await act('read', params)) as ReadResult
            readMs.push(performance.now() - started)
            reads += 1
            if (r.ok) readsOk += 1
          }
        }
      }),
    )
    await act('redis', { mode: 'up' })
    const back = performance.now()
    // Reads keep coming, as they would on a live site; the first one Redis answers with a value ends the wait.
    for (let n = 0; ; n++) {
      const r = (await act('read', { userId: 1 + (n % USERS), server: 1 + (n % 2) })) as ReadResult
      if (r.cache === 'hit') break
      if (performance.now() - back > 15_000) throw new Error(`no cache hit within 15 s of Redis coming back (${mode})`)
      await sleep(5)
    }
    recovery.push(performance.now() - back)
    report.note(`# ${mode} round ${round + 1}: first hit ${Math.round(recovery.at(-1)!)} ms after Redis came back`)
  }
  const sorted = sortNumbers(readMs)
  const fmt = (v: number) => Math.round(v * 10) / 10
  report.figure(`${mode}: read p99 while Redis is down`, fmt(percentile(sorted, 99)), 'ms', {
    target: { op: '<=', value: 250 + DB_LATENCY_MS },
    detail: {
      p50: fmt(percentile(sorted, 50)),
      max: fmt(sorted.at(-1) ?? Number.NaN),
      reads,
      dbLatencyMs: DB_LATENCY_MS,
    },
  })
  report.figure(`${mode}: reads answered ok while down`, fmt((readsOk / Math.max(reads, 1)) * 100), '%', {
    target: { op: '>=', value: 100 },
    detail: { reads, ok: readsOk },
  })
  report.figure(`${mode}: writes answered ok while down`, fmt((writesOk / Math.max(writes, 1)) * 100), '%', {
    target: { op: '>=', value: 100 },
    detail: { writes, ok: writesOk, failedInvalidationsCounted: failedInvalidations },
  })
  report.figure(
    `${mode}: first cache hit after Redis returns (slowest round)`,
    Math.round(Math.max(...recovery)),
    'ms',
    {
      target: { op: '<=', value: 2000 },
      detail: { rounds: recovery.map(Math.round) },
    },
  )
}

if (isMain(import.meta.url)) await runStandalone(redisDown)
