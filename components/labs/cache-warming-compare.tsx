'use client'

import dynamic from 'next/dynamic'
import { cn } from '@/lib/cn'
import { formatMs } from '@/lib/describe'
import { formatRatio, WARMING, type RunMode, type RunResult, type WarmingLabState } from '@/lib/labs/cache-warming'
import { useRoom } from '../room-provider'
import { useLabAction } from '../use-lab-action'
import { Button } from '../ui/button'
import { Panel } from '../ui/panel'

// recharts is large; load it after the page is interactive, as the other charts do.
const Chart = dynamic(() => import('../ui/chart'), {
  ssr: false,
  loading: () => <div className="h-[148px] animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />,
}) as typeof import('../ui/chart').default

const LAB = 'cache-warming'
/** A run can outlast the usual 10 s answer time (a slow database, a long load). */
const RUN_TIMEOUT_MS = 120_000
const COLOR: Record<RunMode, string> = { cold: 'var(--color-lane-client)', warmed: 'var(--color-lane-bus)' }

/**
 * The two runs side by side: a cold start and a warm start of the same seeded load, each with its hit ratio
 * in the first seconds, its database reads and latency, and for the warmed one how long warming took; under
 * them the hit ratio and the database reads second by second, both runs on one chart.
 */
export function WarmingComparePanel() {
  const { labs } = useRoom()
  const state = labs[LAB] as WarmingLabState | undefined
  const { run, error, busy } = useLabAction(LAB)
  const running = state?.running ?? null
  const start = (warm: boolean) => void run('run', { warm }, RUN_TIMEOUT_MS)
  const { cold, warmed } = state?.runs ?? {}
  const load = state?.load ?? { rps: WARMING.defaultRps, seconds: WARMING.defaultSeconds, seed: WARMING.defaultSeed }

  return (
    <Panel
      title="Cold start vs warm start"
      region="panels"
      actions={
        <>
          <Button size="sm" variant="primary" disabled={busy || running !== null} onClick={() => start(false)} data-testid="cold-start">
            Cold start
          </Button>
          <Button size="sm" variant="primary" disabled={busy || running !== null} onClick={() => start(true)} data-testid="warm-start">
            Warm start
          </Button>
        </>
      }
      bodyClassName="flex flex-col"
    >
      <p className="px-3 pt-2 text-xs text-zinc-500">
        Each run empties the cache and replays the same {load.rps * load.seconds} reads ({load.rps}/s for {load.seconds} s, Zipf over 100
        users and 500 posts, seed {load.seed}). A warm start first loads the popular users and the top {state?.topN ?? WARMING.defaultTopN}{' '}
        posts.
      </p>
      <div className="grid gap-3 p-3 sm:grid-cols-2" data-testid="warming-compare">
        <RunCard mode="cold" result={cold} running={running === 'cold'} />
        <RunCard mode="warmed" result={warmed} running={running === 'warmed'} />
      </div>
      {(cold || warmed) && <PerSecondCharts cold={cold} warmed={warmed} />}
      {cold && warmed && !cold.running && !warmed.running && <Verdict cold={cold} warmed={warmed} />}
      {error && (
        <p role="alert" className="mx-3 mb-3 rounded-md bg-rose-50 px-2 py-1.5 text-xs text-rose-800 dark:bg-rose-950 dark:text-rose-200">
          {error}
        </p>
      )}
    </Panel>
  )
}

function RunCard({ mode, result, running }: { mode: RunMode; result: RunResult | undefined; running: boolean }) {
  const title = mode === 'cold' ? 'Cold start' : 'Warm start'
  return (
    <div
      className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
      data-testid={`run-${mode}`}
      data-state={running ? 'running' : result ? 'done' : 'empty'}
      data-first-ratio={result?.firstHitRatio ?? ''}
    >
      <div className="flex items-center gap-2">
        <span className="inline-block size-2.5 rounded-full" style={{ background: COLOR[mode] }} aria-hidden="true" />
        <h3 className="text-sm font-semibold">{title}</h3>
        {running && <span className="ml-auto animate-pulse text-xs text-sky-700 dark:text-sky-400">running…</span>}
      </div>
      {!result ? (
        <p className="mt-2 text-xs text-zinc-500">
          {running ? (mode === 'warmed' ? 'Warming the cache…' : 'Emptying the cache…') : `Press "${title}".`}
        </p>
      ) : (
        <dl className="mt-2 grid grid-cols-2 gap-x-3 gap-y-1.5 text-xs">
          <Figure label={`Hit ratio, first ${WARMING.firstSeconds} s`} big value={formatRatio(result.firstHitRatio)} testid="first-ratio" />
          <Figure label="Hit ratio, whole run" big value={formatRatio(result.hitRatio)} />
          <Figure label="Database reads" value={`${result.dbReads} of ${result.reads}`} />
          <Figure
            label="Latency p50 / p99"
            value={result.p50Ms === null ? '—' : `${formatMs(result.p50Ms)} / ${formatMs(result.p99Ms ?? 0)}`}
          />
          {mode === 'warmed' && (
            <div className="col-span-2 rounded bg-sky-50 px-2 py-1 dark:bg-sky-950/40" data-testid="warming-time">
              {result.warm ? (
                <>
                  Warming took <span className="font-mono font-semibold tabular-nums">{formatMs(result.warm.ms)}</span>:{' '}
                  {result.warm.users} users + {result.warm.posts} posts, 2 queries, {result.warm.keys} SETs in 1 pipeline
                </>
              ) : (
                'Warming…'
              )}
            </div>
          )}
        </dl>
      )}
    </div>
  )
}

function Figure({ label, value, big, testid }: { label: string; value: string; big?: boolean; testid?: string }) {
  return (
    <div>
      <dt className="text-[11px] text-zinc-500">{label}</dt>
      <dd className={cn('font-mono font-semibold tabular-nums', big ? 'text-lg' : 'text-sm')} data-testid={testid}>
        {value}
      </dd>
    </div>
  )
}

type Row = { s: number } & Partial<Record<RunMode, number>>

/** Rows for a step chart: one per second (the value holds through it), and a closing row at the end. */
function rows(runs: Partial<Record<RunMode, RunResult>>, value: (b: RunResult['perSecond'][number]) => number): Row[] {
  const seconds = Math.max(...Object.values(runs).map((r) => r?.perSecond.length ?? 0))
  const out: Row[] = []
  for (let s = 0; s <= seconds; s++) {
    const row: Row = { s }
    for (const mode of ['cold', 'warmed'] as const) {
      const r = runs[mode]
      const b = r?.perSecond[Math.min(s, r.perSecond.length - 1)]
      if (b && b.reads > 0 && s <= r.perSecond.length) row[mode] = value(b)
    }
    out.push(row)
  }
  return out
}

function PerSecondCharts({ cold, warmed }: { cold?: RunResult; warmed?: RunResult }) {
  const runs = { cold, warmed }
  const series = (['cold', 'warmed'] as const)
    .filter((m) => runs[m])
    .map((m) => ({ y: m, color: COLOR[m], label: m === 'cold' ? 'cold start' : 'warm start' }))
  return (
    <div className="grid gap-3 border-t border-zinc-200 p-3 md:grid-cols-2 dark:border-zinc-800" data-testid="warming-charts">
      <Chart
        title="Hit ratio, second by second (%)"
        data={rows(runs, (b) => Math.round((b.hits / b.reads) * 1000) / 10)}
        x="s"
        series={series}
        domain={[0, 100]}
        height={130}
        format={(v) => `${v}%`}
      />
      <Chart
        title="Database reads per second"
        data={rows(runs, (b) => b.dbReads)}
        x="s"
        series={series}
        height={130}
      />
    </div>
  )
}

function Verdict({ cold, warmed }: { cold: RunResult; warmed: RunResult }) {
  const same = cold.seed === warmed.seed && cold.rps === warmed.rps && cold.seconds === warmed.seconds
  const gain = ((warmed.firstHitRatio ?? 0) - (cold.firstHitRatio ?? 0)) * 100
  return (
    <p className="border-t border-zinc-200 px-3 py-2 text-xs dark:border-zinc-800" data-testid="warming-verdict">
      {same ? 'On the same reads' : 'On different loads (compare with care)'}, the warm start hit{' '}
      <span className="font-semibold">{gain >= 0 ? `${gain.toFixed(1)} points more` : `${(-gain).toFixed(1)} points less`}</span> in its
      first {WARMING.firstSeconds} s and sent <span className="font-semibold">{cold.dbReads - warmed.dbReads}</span> fewer reads to the
      database
      {warmed.warm ? `, for ${formatMs(warmed.warm.ms)} of warming before the traffic` : ''}. After the first seconds the cold cache
      catches up: warming matters at the start, and for the hot keys only.
    </p>
  )
}
