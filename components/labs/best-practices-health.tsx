'use client'

import { cn } from '@/lib/cn'
import type { BestPracticesState, RedisMode } from '@/lib/labs/best-practices'
import { useRoom } from '../room-provider'
import { useLabAction } from '../use-lab-action'
import { Button } from '../ui/button'
import { Panel } from '../ui/panel'

export const LAB = 'best-practices'
/** The budget a read has while Redis is down: the socket timeout plus some slack, before the query. */
const BUDGET_MS = 250

const MODES: { mode: RedisMode; label: string; title: string }[] = [
  { mode: 'up', label: 'Up', title: "This room's connections to Redis work" },
  { mode: 'refused', label: 'Down', title: 'Connections cut and refused: commands fail at once' },
  { mode: 'frozen', label: 'Frozen', title: 'Connections open, nothing answers: commands time out after 200 ms' },
]

export function useBestPractices() {
  const { labs } = useRoom()
  return labs[LAB] as BestPracticesState | undefined
}

/**
 * Partial failures: Redis for this room (up, down, frozen) and the database (working, failing), with what the
 * app did meanwhile: reads the database answered, writes that succeeded, invalidations that failed (and
 * their log), read latency while Redis was down against the budget, and the time to the first hit after.
 */
export function HealthPanel() {
  const state = useBestPractices()
  const { run, error, busy } = useLabAction(LAB)
  if (!state) return null
  const h = state.health
  const down = state.redis !== 'up'
  return (
    <Panel title="Partial failures" region="panels" bodyClassName="flex flex-col gap-3 p-3">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <div className="flex items-center gap-2" role="group" aria-label="Redis for this room">
          <span className="text-xs font-medium text-zinc-600 dark:text-zinc-400">Redis for this room</span>
          <div className="inline-flex overflow-hidden rounded-md border border-zinc-300 dark:border-zinc-700">
            {MODES.map((m) => (
              <button
                key={m.mode}
                type="button"
                title={m.title}
                aria-pressed={state.redis === m.mode}
                disabled={busy}
                onClick={() => void run('redis', { mode: m.mode })}
                className={cn(
                  'px-2.5 py-1 text-xs font-medium',
                  state.redis === m.mode
                    ? m.mode === 'up'
                      ? 'bg-emerald-600 text-white'
                      : 'bg-rose-600 text-white'
                    : 'bg-white hover:bg-zinc-100 dark:bg-zinc-900 dark:hover:bg-zinc-800',
                )}
              >
                {m.label}
              </button>
            ))}
          </div>
        </div>
        <div className="flex items-center gap-2" role="group" aria-label="Database">
          <span className="text-xs font-medium text-zinc-600 dark:text-zinc-400">Database</span>
          <Button
            size="sm"
            variant={state.dbFailing ? 'danger' : 'secondary'}
            disabled={busy}
            aria-pressed={state.dbFailing}
            onClick={() => void run('dbFailing', { on: !state.dbFailing })}
          >
            {state.dbFailing ? 'Failing: make it work' : 'Working: make it fail'}
          </Button>
          {state.dbLatencyMs > 0 && (
            <span className="text-xs text-amber-700 dark:text-amber-400">slow: +{state.dbLatencyMs} ms</span>
          )}
        </div>
      </div>

      <p
        data-testid="redis-status"
        data-mode={state.redis}
        className={cn(
          'rounded-md px-2.5 py-1.5 text-sm',
          down
            ? 'bg-rose-50 text-rose-900 dark:bg-rose-950/40 dark:text-rose-200'
            : 'bg-emerald-50 text-emerald-900 dark:bg-emerald-950/40 dark:text-emerald-200',
        )}
      >
        {state.redis === 'refused' &&
          "Redis is down for this room: its app servers' connections are cut and refused. Reads go to the database; deletes fail and are logged."}
        {state.redis === 'frozen' &&
          'Redis is frozen for this room: connections stay open and nothing answers. Each client gives up after 200 ms and the read goes to the database.'}
        {state.redis === 'up' &&
          (h.recoveredAt !== null
            ? h.firstHitAfterMs !== null
              ? `Redis is back. The clients reconnected on their own: first cache hit ${formatMs(h.firstHitAfterMs)} after it returned.`
              : 'Redis is back; the clients are reconnecting on their own. Read something to see the first hit.'
            : 'Redis is up for this room. The Redis server is shared: cutting it here touches no other room.')}
      </p>

      <dl className="grid grid-cols-2 gap-2 text-sm sm:grid-cols-4" data-testid="health-figures">
        <Figure label="Reads" value={h.reads} hint={`${h.fallbacks} answered by the DB because Redis failed`} />
        <Figure
          label="Failed reads"
          value={h.failedReads}
          hint="a miss while the database failed"
          warn={h.failedReads > 0}
        />
        <Figure
          label="Writes ok"
          value={`${h.writes - h.failedWrites} / ${h.writes}`}
          hint="the database decides"
          warn={h.failedWrites > 0}
        />
        <Figure
          label="Failed invalidations"
          value={h.failedInvalidations}
          hint="logged and counted, request ok"
          warn={h.failedInvalidations > 0}
          testid="failed-invalidations"
        />
      </dl>

      <LatencyBar p50={h.downP50} p99={h.downP99} max={h.downMax} dbLatencyMs={state.dbLatencyMs} />

      {h.log.length > 0 && (
        <div>
          <h3 className="mb-1 text-xs font-semibold text-zinc-600 dark:text-zinc-400">
            Invalidation failures (the app&apos;s log)
          </h3>
          <ul
            className="max-h-28 overflow-y-auto rounded-md bg-zinc-950 p-2 font-mono text-[11px] leading-relaxed text-zinc-200"
            data-testid="invalidation-log"
          >
            {h.log.map((l, i) => (
              <li key={`${l.at}-${i}`} className="truncate">
                <span className="text-zinc-500">{new Date(l.at).toLocaleTimeString()}</span>{' '}
                <span className="text-amber-300">warn</span> delete of {l.key} failed ({l.detail}); the TTL will clean
                up
              </li>
            ))}
          </ul>
        </div>
      )}
      {error && (
        <p
          role="alert"
          className="rounded-md bg-rose-50 px-2 py-1.5 text-xs text-rose-800 dark:bg-rose-950 dark:text-rose-200"
        >
          {error}
        </p>
      )}
    </Panel>
  )
}

function LatencyBar({
  p50,
  p99,
  max,
  dbLatencyMs,
}: {
  p50: number | null
  p99: number | null
  max: number | null
  dbLatencyMs: number
}) {
  const budget = BUDGET_MS + dbLatencyMs
  if (p99 === null) {
    return (
      <p className="text-xs text-zinc-500">
        Read latency while Redis is down appears here: the budget is {BUDGET_MS} ms plus the database&apos;s{' '}
        {dbLatencyMs} ms.
      </p>
    )
  }
  const scale = Math.max(budget, max ?? 0) * 1.1
  const pct = (v: number) => `${Math.min(100, (v / scale) * 100)}%`
  return (
    <div data-testid="down-latency">
      <div className="mb-1 flex flex-wrap justify-between gap-x-3 text-xs">
        <span className="font-semibold text-zinc-600 dark:text-zinc-400">Read latency while Redis was down</span>
        <span className="font-mono tabular-nums">
          p50 {formatMs(p50!)} · p99{' '}
          <span className={p99 > budget ? 'text-rose-600' : 'text-emerald-700 dark:text-emerald-400'}>
            {formatMs(p99)}
          </span>{' '}
          · max {formatMs(max!)}
        </span>
      </div>
      <div className="relative h-3 rounded bg-zinc-100 dark:bg-zinc-800" aria-hidden="true">
        <div className="absolute inset-y-0 left-0 rounded bg-sky-300 dark:bg-sky-700" style={{ width: pct(p99) }} />
        <div className="absolute inset-y-0 left-0 rounded bg-sky-500" style={{ width: pct(p50!) }} />
        <div
          className="absolute inset-y-[-3px] w-0.5 bg-rose-500"
          style={{ left: pct(budget) }}
          title={`budget ${budget} ms`}
        />
      </div>
      <p className="mt-1 text-[11px] text-zinc-500">
        Red line: the budget, {budget} ms ({BUDGET_MS} ms plus the database latency).
      </p>
    </div>
  )
}

function Figure({
  label,
  value,
  hint,
  warn,
  testid,
}: {
  label: string
  value: string | number
  hint: string
  warn?: boolean
  testid?: string
}) {
  return (
    <div className="rounded-md border border-zinc-200 px-2.5 py-1.5 dark:border-zinc-800">
      <dt className="text-[11px] font-medium tracking-wide text-zinc-500 uppercase">{label}</dt>
      <dd
        className={cn('font-mono text-base font-semibold tabular-nums', warn && 'text-rose-600 dark:text-rose-400')}
        data-testid={testid}
      >
        {value}
      </dd>
      <dd className="text-[11px] leading-tight text-zinc-500">{hint}</dd>
    </div>
  )
}

export function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : ms < 2000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`
}
