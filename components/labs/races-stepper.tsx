'use client'

import { useEffect, useState } from 'react'
import { cn } from '@/lib/cn'
import {
  RACE_LIMITS,
  RACE_STRATEGIES,
  RACE_STRATEGY_IDS,
  type RaceStepView,
  type RaceStrategyId,
  type RaceValues,
  type RacesLabState,
} from '@/lib/labs/races'
import { useRoom } from '../room-provider'
import { useLabAction } from '../use-lab-action'
import { Button } from '../ui/button'
import { Segmented, Slider } from '../ui/field'
import { Panel } from '../ui/panel'

const ACTOR = {
  A: { name: 'Reader A', chip: 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200' },
  B: { name: 'Writer B', chip: 'bg-violet-100 text-violet-900 dark:bg-violet-950 dark:text-violet-200' },
  C: { name: 'Reader C', chip: 'bg-teal-100 text-teal-900 dark:bg-teal-950 dark:text-teal-200' },
} as const

/**
 * The interleaving as a two-column script (reader A | writer B, then reader C), each step pending, running
 * or done with what it found; Step, Auto-play and Reset; the strategy; the double delete's timing; and what
 * the cache and the database hold now.
 */
export function RaceStepper() {
  const { labs } = useRoom()
  const state = labs.races as RacesLabState | undefined
  const { run, error, busy } = useLabAction('races')
  if (!state) {
    return (
      <Panel title="The race, step by step">
        <p className="p-4 text-sm text-zinc-500">Connecting…</p>
      </Panel>
    )
  }
  const over = state.next >= state.steps.length
  return (
    <Panel
      title="The race, step by step"
      actions={<span className="hidden text-xs text-zinc-500 sm:inline">one real operation per step</span>}
      bodyClassName="flex flex-col gap-3 p-3"
    >
      <div className="flex flex-col gap-1">
        <span className="text-xs text-zinc-600 dark:text-zinc-400">Strategy</span>
        <Segmented<RaceStrategyId>
          label="Strategy"
          value={state.strategy}
          onChange={(strategy) => void run('setStrategy', { strategy })}
          options={RACE_STRATEGY_IDS.map((id) => ({
            value: id,
            label: RACE_STRATEGIES[id].label,
            title: RACE_STRATEGIES[id].title,
          }))}
        />
        <p className="text-xs text-zinc-500" data-testid="race-strategy-title">
          {RACE_STRATEGIES[state.strategy].title}.
        </p>
      </div>

      {state.strategy === 'double-delete' && <DoubleDeleteTiming state={state} run={run} />}

      <div className="flex flex-wrap items-center gap-2">
        <Button variant="primary" onClick={() => void run('step')} disabled={over || state.playing}>
          Step
        </Button>
        <Button onClick={() => void run('play', { on: !state.playing })}>
          {state.playing ? 'Pause' : over ? 'Replay' : 'Auto-play'}
        </Button>
        <Button variant="ghost" onClick={() => void run('restart')}>
          Reset
        </Button>
        <span className="text-xs text-zinc-500 tabular-nums" data-testid="race-progress">
          {over ? 'Done' : `Next: step ${state.next + 1} of ${state.steps.length}`}
          {busy && ' · working…'}
        </span>
      </div>

      <Script steps={state.steps} next={state.next} canRun={!state.playing} onRun={() => void run('step')} />
      <Values values={state.values} keyName={state.key} />
      <Outcome state={state} />
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

function DoubleDeleteTiming({
  state,
  run,
}: {
  state: RacesLabState
  run: (action: string, params?: Record<string, unknown>) => Promise<unknown>
}) {
  const [delay, setDelay] = useState<number | undefined>(undefined)
  const [lag, setLag] = useState<number | undefined>(undefined)
  const delayMs = delay ?? state.delayMs
  const lagMs = lag ?? state.fillLagMs
  const caught = delayMs > lagMs
  return (
    <div className="grid gap-3 rounded-md border border-zinc-200 p-2 sm:grid-cols-2 dark:border-zinc-800">
      <Slider
        label="B's delay before the second delete"
        value={delayMs}
        min={RACE_LIMITS.delayMs.min}
        max={RACE_LIMITS.delayMs.max}
        step={50}
        unit=" ms"
        onChange={setDelay}
        onCommit={(v) => void run('setDelay', { delayMs: v }).then(() => setDelay(undefined))}
      />
      <Slider
        label="A's fill lands after B's first delete"
        value={lagMs}
        min={RACE_LIMITS.fillLagMs.min}
        max={RACE_LIMITS.fillLagMs.max}
        step={50}
        unit=" ms"
        onChange={setLag}
        onCommit={(v) => void run('setDelay', { fillLagMs: v }).then(() => setLag(undefined))}
      />
      <p
        className={cn(
          'text-xs sm:col-span-2',
          caught ? 'text-emerald-700 dark:text-emerald-400' : 'text-rose-700 dark:text-rose-300',
        )}
        data-testid="race-timing"
      >
        {caught
          ? `The second delete (${delayMs} ms) comes after A's fill (${lagMs} ms): it removes the stale row.`
          : `The delay is too short: the second delete (${delayMs} ms) lands before A's fill (${lagMs} ms) and finds nothing.`}
      </p>
    </div>
  )
}

/** Each step is a button; only the next one can run, so the order stays the script's. */
function Script({
  steps,
  next,
  canRun,
  onRun,
}: {
  steps: RaceStepView[]
  next: number
  canRun: boolean
  onRun(): void
}) {
  return (
    <ol className="grid grid-cols-2 gap-x-2 gap-y-1.5 text-xs" aria-label="The interleaving" data-testid="race-script">
      <li className="font-semibold tracking-wide text-zinc-500 uppercase" aria-hidden="true">
        {ACTOR.A.name}
      </li>
      <li className="font-semibold tracking-wide text-zinc-500 uppercase" aria-hidden="true">
        {ACTOR.B.name}
      </li>
      {steps.map((s, i) => (
        <li
          key={i}
          className={cn(
            s.actor === 'B' && 'col-start-2',
            s.actor === 'A' && 'col-start-1',
            s.actor === 'C' && 'col-span-2',
          )}
          data-testid="race-step"
          data-n={i + 1}
          data-actor={s.actor}
          data-status={s.status}
          data-tone={s.tone}
        >
          <button
            type="button"
            className="block w-full rounded-md text-left focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-sky-500 enabled:cursor-pointer enabled:hover:bg-sky-50 dark:enabled:hover:bg-sky-950/40"
            disabled={i !== next || !canRun}
            onClick={onRun}
            aria-label={`Step ${i + 1}, ${ACTOR[s.actor].name}: ${s.text}${s.result ? ` (${s.result})` : ''}`}
          >
            <StepCard step={s} n={i + 1} current={i === next} />
          </button>
        </li>
      ))}
    </ol>
  )
}

function StepCard({ step: s, n, current }: { step: RaceStepView; n: number; current: boolean }) {
  return (
    <span
      className={cn(
        'block rounded-md border px-2 py-1.5',
        s.status === 'done'
          ? 'border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900/60'
          : 'border-dashed border-zinc-300 dark:border-zinc-700',
        current && 'border-solid border-sky-500 ring-1 ring-sky-500 dark:border-sky-400',
        s.status === 'running' && 'animate-pulse',
      )}
    >
      <span className="flex items-center gap-1.5">
        <span className={cn('rounded px-1 font-mono text-[10px] font-bold', ACTOR[s.actor].chip)}>
          {n}·{s.actor}
        </span>
        {s.atMs !== undefined && (
          <span className="font-mono text-[10px] text-zinc-500" title="When it lands, after B's first delete">
            +{s.atMs} ms
          </span>
        )}
        <span
          className={cn(
            'ml-auto shrink-0 rounded px-1 text-[10px] font-medium uppercase',
            s.status === 'done' ? 'bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300' : 'text-zinc-500',
          )}
        >
          {s.status}
        </span>
      </span>
      <code className="mt-0.5 block font-mono text-[11px] break-words">{s.text}</code>
      {s.result && (
        <span
          className={cn(
            'mt-0.5 block',
            s.tone === 'bad' && 'font-semibold text-rose-700 dark:text-rose-300',
            s.tone === 'good' && 'font-semibold text-emerald-700 dark:text-emerald-400',
            !s.tone && 'text-zinc-600 dark:text-zinc-400',
          )}
        >
          → {s.result}
        </span>
      )}
    </span>
  )
}

function Values({ values: v, keyName }: { values: RaceValues | null; keyName: string }) {
  const now = useNow(250)
  if (!v) return null
  const left = (ttlMs: number | null) =>
    ttlMs === null ? 'no TTL' : `${Math.max(0, (ttlMs - (now - v.at)) / 1000).toFixed(1)} s left`
  const stale = v.cache?.version != null && v.db !== null && v.cache.version < v.db
  const items: { label: string; value: string; hint?: string; bad?: boolean; id: string }[] = [
    {
      id: 'cache',
      label: `Cache ${keyName}`,
      value: v.cache ? (v.cache.version !== null ? `v${v.cache.version}` : 'not a row') : 'empty',
      hint: v.cache ? left(v.cache.ttlMs) : undefined,
      bad: stale,
    },
    { id: 'db', label: 'Database', value: v.db !== null ? `v${v.db}` : '—' },
    {
      id: 'a',
      label: 'A holds',
      value: v.aRow !== null ? `v${v.aRow}` : '—',
      hint: v.aLease ? `lease ${v.aLease}` : undefined,
    },
    { id: 'b', label: 'B wrote', value: v.bWrote !== null ? `v${v.bWrote}` : '—' },
  ]
  if (v.tombstone)
    items.push({
      id: 'tomb',
      label: `tomb:${keyName}`,
      value: `v${v.tombstone.version ?? '?'}`,
      hint: left(v.tombstone.ttlMs),
    })
  if (v.lease) items.push({ id: 'lease', label: `lease:${keyName}`, value: v.lease.token, hint: left(v.lease.ttlMs) })
  return (
    <dl className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-6" data-testid="race-values">
      {items.map((it) => (
        <div
          key={it.id}
          data-value={it.id}
          className={cn(
            'rounded-md border px-2 py-1',
            it.bad
              ? 'border-rose-300 bg-rose-50 dark:border-rose-800 dark:bg-rose-950/40'
              : 'border-zinc-200 dark:border-zinc-800',
          )}
        >
          <dt className="truncate font-mono text-[10px] text-zinc-500">{it.label}</dt>
          <dd className={cn('font-mono text-sm font-semibold', it.bad && 'text-rose-700 dark:text-rose-300')}>
            {it.value}
          </dd>
          {it.hint && <dd className="truncate text-[10px] text-zinc-500">{it.hint}</dd>}
        </div>
      ))}
    </dl>
  )
}

function Outcome({ state }: { state: RacesLabState }) {
  if (state.outcome === null) return null
  const v = state.values
  const stale = state.outcome === 'stale'
  const again = state.reread
  return (
    <div className="flex flex-col gap-1">
      <p
        data-testid="race-outcome"
        data-outcome={state.outcome}
        className={cn(
          'rounded-md px-3 py-2 text-sm',
          stale
            ? 'bg-rose-50 text-rose-900 dark:bg-rose-950/50 dark:text-rose-100'
            : 'bg-emerald-50 text-emerald-900 dark:bg-emerald-950/50 dark:text-emerald-100',
        )}
      >
        {stale
          ? `Stale: C got v${v?.cache?.version ?? '?'} while the database has v${v?.db ?? '?'}. Nothing will delete it: it stays until the TTL ends it (press "C reads again" to check).`
          : `Fresh: C got the database's version. ${RACE_STRATEGIES[state.strategy].label} stopped the race.`}
      </p>
      {again && (
        <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="race-reread" data-stale={again.stale}>
          C read again:{' '}
          {again.stale
            ? `still stale (v${again.version} from the cache).`
            : again.from === 'db'
              ? `a miss, then v${again.version} from the database: fresh${stale ? ', the TTL ended the stale value' : ''}.`
              : `v${again.version} from the cache: fresh.`}
        </p>
      )}
    </div>
  )
}

/** The current time, updated every `ms` while mounted (for countdowns). */
function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms)
    return () => clearInterval(t)
  }, [ms])
  return now
}
