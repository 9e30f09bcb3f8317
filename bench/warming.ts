/**
 * Warming: what a warm start buys on the cache-warming lab's own path, and what it costs.
 *
 * One room of the real app (Redis, PGlite, the engine). The same seeded Zipf read load (200 reads/s for
 * 3 s over 100 users and 500 posts, seed 7) runs three times through the lab's `run` action, each on an
 * emptied cache: cold, warmed with the popular users and the top 25 posts, and warmed with the top 100.
 * Figures: the hit ratio of the first 2 s and the database reads of each run. Then the warming alone
 * (two queries and one pipeline of SETs) timed for the top 25, 100 and 200 posts, five times each on an
 * emptied cache, median reported. The room (keys and rows) is removed at the end.
 */
import type { RunResult } from '../lib/labs/cache-warming'
import { warmTop } from '../server/engine/strategies/warming'
import { benchRoom, startBenchApp } from './app'
import { isMain, runStandalone, type Bench } from './bench'
import { cleanUp } from './cleanup'
import { percentile, sortNumbers } from './stats'

const LOAD = { rps: 200, seconds: 3, seed: 7 }
const WARM_SIZES = [25, 100, 200]
const WARM_REPEATS = 5

export const warming: Bench = {
  id: 'warming',
  summary: 'first-2-s hit ratio of the same seeded Zipf load, cold vs warmed, and the warming time for the top N posts',
  async run(report) {
    const app = await startBenchApp()
    try {
      const room = await benchRoom(app)
      const act = (action: string, params: Record<string, unknown> = {}) =>
        app.engine.act(room, { lab: 'cache-warming', action, ...params }, 'api')
      report.note(`# load: ${LOAD.rps} reads/s for ${LOAD.seconds} s (Zipf s=1 over 100 users and 500 posts, 40% users), seed ${LOAD.seed}`)

      const runs: { label: string; topN?: number }[] = [{ label: 'cold' }, { label: 'warmed top 25', topN: 25 }, { label: 'warmed top 100', topN: 100 }]
      for (const r of runs) {
        if (r.topN) await act('setTopN', { n: r.topN })
        const out = (await act('run', { warm: r.topN !== undefined, ...LOAD })) as RunResult
        const first = Math.round((out.firstHitRatio ?? 0) * 1000) / 10
        report.figure(`${r.label}: hit ratio, first 2 s`, first, '%', {
          detail: { perSecond: out.perSecond, whole: out.hitRatio, warmMs: out.warm?.ms, keys: out.warm?.keys },
        })
        report.note(
          `# ${r.label}: ${out.dbReads} of ${out.reads} reads went to the database; whole run ${Math.round((out.hitRatio ?? 0) * 1000) / 10}%; p50/p99 ${out.p50Ms}/${out.p99Ms} ms${out.warm ? `; warming ${out.warm.ms} ms for ${out.warm.keys} keys` : ''}`,
        )
      }

      // The warming alone: two queries and one pipeline, on an emptied cache each time.
      const live = app.engine.rooms.peek(room)!
      const observe = (entity: string, version: number) => live.room.oracle.observed(entity, version, Date.now())
      for (const n of WARM_SIZES) {
        const times: number[] = []
        let keys = 0
        for (let i = 0; i < WARM_REPEATS; i++) {
          await app.engine.rooms.clearCache(live)
          const started = performance.now()
          const out = await live.room.request('warm', 'api', async (s) => ({ ok: true, ...(await warmTop(s, n, 60_000, observe)) }), {
            key: 'warm:*',
          })
          times.push(performance.now() - started)
          keys = out.keys
        }
        const sorted = sortNumbers(times)
        report.figure(`warming time, top ${n} posts + 10 users (${keys} keys)`, Math.round(percentile(sorted, 50) * 10) / 10, 'ms', {
          detail: { runs: times.map((t) => Math.round(t * 10) / 10) },
        })
      }
    } finally {
      await cleanUp()
    }
  },
}

if (isMain(import.meta.url)) await runStandalone(warming)
