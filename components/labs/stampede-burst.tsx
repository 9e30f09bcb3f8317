'use client'

import dynamic from 'next/dynamic'
import { useMemo, useState } from 'react'
import { formatMs } from '@/lib/describe'
import { STAMPEDE_LIMITS, type BurstShape, type StampedeLabState } from '@/lib/labs/stampede'
import { BURST_OUTCOMES, OUTCOME_LABELS, STRATEGIES, STRATEGY_LABELS, type StrategyId } from '@/lib/labs/stampede-math'
import { latencyBars, latestBurst } from '@/lib/labs/stampede-view'
import { useRoom, useRoomClient } from '../room-provider'
import { useLabAction } from '../use-lab-action'
import { Button } from '../ui/button'
import { Segmented, Slider } from '../ui/field'
import { Panel } from '../ui/panel'

const loading = () => <div className="h-[150px] animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
const BarsChart = dynamic(() => import('../ui/chart').then((m) => m.BarsChart), {
  ssr: false,
  loading,
}) as typeof import('../ui/chart').BarsChart

export const LAB = 'stampede'
/** A burst, or a comparison of seven, can take a while at 5000 requests and seconds of DB latency. */
export const BURST_TIMEOUT_MS = 180_000

export const OUTCOME_COLORS: Record<(typeof BURST_OUTCOMES)[number], string> = {
  hit: 'oklch(0.7 0.15 150)',
  waited: 'oklch(0.72 0.12 230)',
  stale: 'oklch(0.78 0.14 80)',
  db: 'oklch(0.6 0.19 25)',
  error: 'oklch(0.45 0.2 15)',
}

export function useStampedeState(): StampedeLabState | undefined {
  return useRoom().labs[LAB] as StampedeLabState | undefined
}

/**
 * The burst generator: how many requests, all at once or ramped, one key or many (uniform or Zipf), the
 * keys' state when it starts; the strategy and the app servers; Fire, or run every strategy on the same burst.
 */
export function BurstPanel() {
  const state = useStampedeState()
  const { run, error, busy } = useLabAction(LAB)
  const [draft, setDraft] = useState<Partial<BurstShape>>({})
  const shape: BurstShape | undefined = state ? { ...state.burst, ...draft } : undefined
  const running = !!state?.running
  const change = (patch: Partial<BurstShape>) => setDraft((d) => ({ ...d, ...patch }))
  // What the learner set is kept as the lab's burst, so a reload (and the walkthrough) sees the same one.
  const commit = (patch: Partial<BurstShape>) =>
    void run('settings', patch).then(() => setDraft((d) => omit(d, Object.keys(patch))))

  return (
    <Panel title="Burst" region="controls" bodyClassName="flex flex-col gap-3 p-3" className="xl:col-span-2">
      <div className="flex flex-col gap-1">
        <span className="text-xs text-zinc-600 dark:text-zinc-400">Strategy</span>
        <Segmented<StrategyId>
          label="Strategy"
          value={state?.strategy}
          onChange={(v) => void run('settings', { strategy: v })}
          options={STRATEGIES.map((s) => ({ value: s, label: STRATEGY_LABELS[s] }))}
        />
      </div>
      {shape && (
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          <div className="flex flex-col gap-1">
            <Slider
              label="Requests"
              value={shape.n}
              min={1}
              max={STAMPEDE_LIMITS.burstRequests}
              onChange={(n) => change({ n })}
              onCommit={(n) => commit({ n })}
            />
            <input
              type="number"
              aria-label="Requests in the burst"
              min={1}
              max={STAMPEDE_LIMITS.burstRequests}
              value={shape.n}
              onChange={(e) => change({ n: Number(e.target.value) || 1 })}
              onBlur={(e) =>
                commit({ n: Math.min(STAMPEDE_LIMITS.burstRequests, Math.max(1, Number(e.target.value) || 1)) })
              }
              className="h-7 w-24 rounded-md border border-zinc-300 bg-white px-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-950"
            />
          </div>
          <Slider
            label={shape.rampMs === 0 ? 'Ramp (0: all at once)' : 'Ramp over'}
            value={shape.rampMs}
            min={0}
            max={5000}
            step={100}
            unit=" ms"
            onChange={(rampMs) => change({ rampMs })}
            onCommit={(rampMs) => commit({ rampMs })}
          />
          <Slider
            label="Keys"
            value={shape.keys}
            min={1}
            max={STAMPEDE_LIMITS.keys}
            onChange={(keys) => change({ keys })}
            onCommit={(keys) => commit({ keys })}
          />
          <div className="flex flex-col gap-1">
            <span className="text-xs text-zinc-600 dark:text-zinc-400">Key popularity</span>
            <Segmented<'uniform' | 'zipf'>
              label="Key popularity"
              value={shape.distribution}
              onChange={(distribution) => commit({ distribution })}
              options={[
                { value: 'uniform', label: 'uniform' },
                { value: 'zipf', label: 'Zipf (a few hot keys)' },
              ]}
            />
          </div>
          <div className="flex flex-col gap-1">
            <span className="text-xs text-zinc-600 dark:text-zinc-400">When the burst starts, the key is</span>
            <Segmented<BurstShape['start']>
              label="Key state at the start"
              value={shape.start}
              onChange={(start) => commit({ start })}
              options={[
                {
                  value: 'expired',
                  label: 'just expired',
                  title: 'Deleted, as Redis leaves it at its TTL (soft: past its soft expiry)',
                },
                {
                  value: 'expiring',
                  label: 'about to expire',
                  title: 'Cached, with a TTL that runs out during the burst',
                },
                { value: 'as-is', label: 'as it is', title: 'Left as the last burst or read left it' },
              ]}
            />
          </div>
          {shape.start === 'expiring' && (
            <Slider
              label="It expires after"
              value={shape.expireInMs}
              min={0}
              max={5000}
              step={50}
              unit=" ms"
              onChange={(expireInMs) => change({ expireInMs })}
              onCommit={(expireInMs) => commit({ expireInMs })}
            />
          )}
        </div>
      )}
      <div className="flex flex-wrap items-center gap-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
        <Button
          variant="primary"
          disabled={running || busy || !shape}
          onClick={() => void run('burst', { ...draft }, BURST_TIMEOUT_MS)}
        >
          Fire burst
        </Button>
        <Button
          disabled={running || busy || !shape}
          onClick={() => void run('compare', { ...draft }, BURST_TIMEOUT_MS)}
        >
          Run every strategy on the same burst
        </Button>
        {state?.running && (
          <span className="text-xs text-zinc-500" role="status">
            running {STRATEGY_LABELS[state.running.strategy]}…
          </span>
        )}
      </div>
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

function omit<T extends object>(o: T, keys: string[]): T {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k))) as T
}

/** Re-derives from the room's events when they change. */
export function useDerived<T>(derive: (events: Parameters<typeof latestBurst>[0]) => T): T {
  const client = useRoomClient()
  const { eventsVersion } = useRoom()
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo(() => derive(client.log.events), [client, eventsVersion])
}

/**
 * The latest burst: a progress bar, the database's in-flight queries (now and at the peak), its totals, a
 * histogram of request outcomes over time (live, 100 ms buckets) and the latency distribution.
 */
export function BurstResultPanel() {
  const burst = useDerived(latestBurst)
  const state = useStampedeState()
  const bars = latencyBars(burst?.end)
  const series = BURST_OUTCOMES.map((o) => ({ y: o, color: OUTCOME_COLORS[o], label: OUTCOME_LABELS[o] }))
  const inFlightMax = Math.max(1, burst?.total ?? 1)
  return (
    <Panel title="Latest burst" region="charts" bodyClassName="flex flex-col gap-3 p-3" className="xl:col-span-2">
      {!burst ? (
        <p className="text-sm text-zinc-500">
          No burst yet: fire one and its requests are counted here as they finish.
        </p>
      ) : (
        <>
          <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm">
            <span className="font-semibold">{STRATEGY_LABELS[burst.strategy]}</span>
            <span className="text-xs text-zinc-500">{burst.detail}</span>
          </div>
          <div>
            <div className="mb-1 flex justify-between text-xs text-zinc-600 dark:text-zinc-400">
              <span>
                {burst.done} of {burst.total} answered
              </span>
              <span>{burst.running ? 'running' : `done in ${formatMs(burst.ms)}`}</span>
            </div>
            <div
              className="h-2 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800"
              role="progressbar"
              aria-label="Burst progress"
              aria-valuemin={0}
              aria-valuemax={burst.total}
              aria-valuenow={burst.done}
            >
              <div
                className="h-full bg-sky-600 transition-[width] dark:bg-sky-400"
                style={{ width: `${(100 * burst.done) / Math.max(1, burst.total)}%` }}
              />
            </div>
          </div>
          <div>
            <div className="mb-1 flex justify-between text-xs text-zinc-600 dark:text-zinc-400">
              <span>
                Database: <span className="font-mono">{burst.inFlight}</span> queries in flight
                {state ? ` (each waits ${state.dbLatencyMs} ms)` : ''}
              </span>
              <span>
                peak{' '}
                <span className="font-mono" data-testid="burst-peak">
                  {burst.peakInFlight}
                </span>
              </span>
            </div>
            <div
              className="relative h-3 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800"
              aria-label="Database queries in flight"
              role="meter"
              aria-valuenow={burst.inFlight}
              aria-valuemin={0}
              aria-valuemax={inFlightMax}
            >
              <div
                className="absolute inset-y-0 left-0 bg-rose-300/60 dark:bg-rose-900/60"
                style={{ width: `${(100 * burst.peakInFlight) / inFlightMax}%` }}
              />
              <div
                className="absolute inset-y-0 left-0 bg-rose-600 dark:bg-rose-400"
                style={{ width: `${(100 * burst.inFlight) / inFlightMax}%` }}
              />
            </div>
          </div>
          <dl className="grid grid-cols-3 gap-2 sm:grid-cols-6">
            <Figure
              label="DB queries"
              value={String(burst.dbQueries)}
              testId="burst-queries"
              warn={burst.dbQueries > 1}
            />
            <Figure label="p50" value={burst.end ? formatMs(burst.end.p50 ?? 0) : '…'} />
            <Figure label="p95" value={burst.end ? formatMs(burst.end.p95 ?? 0) : '…'} />
            <Figure label="p99" value={burst.end ? formatMs(burst.end.p99 ?? 0) : '…'} />
            <Figure label="Stale served" value={String(burst.stale)} />
            <Figure label="Errors" value={String(burst.errors)} warn={burst.errors > 0} />
          </dl>
          {burst.end?.perServer && burst.end.perServer.length > 1 && (
            <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="per-server">
              Queries per app server: {burst.end.perServer.map((q, i) => `app-${i + 1}: ${q}`).join(' · ')}
            </p>
          )}
          <div className="grid gap-3 lg:grid-cols-2">
            <div data-testid="outcome-histogram">
              {burst.histogram.length > 0 && (
                <BarsChart
                  title="Requests answered per 100 ms, by outcome"
                  data={burst.histogram}
                  x="t"
                  xUnit=" s"
                  series={series}
                  height={150}
                />
              )}
            </div>
            <div data-testid="latency-distribution">
              {bars.length > 0 && (
                <BarsChart
                  title="Latency distribution (requests)"
                  data={bars}
                  x="bucket"
                  series={[{ y: 'requests', color: 'var(--color-lane-client)', label: 'requests' }]}
                  height={150}
                />
              )}
            </div>
          </div>
          <p className="text-xs text-zinc-500">
            Six requests of the burst are drawn in full on the timeline (their whole path: lock, miss, query, set); the
            rest are counted here, exactly, without an event each.
          </p>
        </>
      )}
    </Panel>
  )
}

function Figure({ label, value, warn, testId }: { label: string; value: string; warn?: boolean; testId?: string }) {
  return (
    <div className="rounded-md border border-zinc-200 px-2 py-1.5 dark:border-zinc-800">
      <dt className="text-[11px] font-medium tracking-wide text-zinc-500 uppercase">{label}</dt>
      <dd
        className={`font-mono text-base font-semibold tabular-nums ${warn ? 'text-rose-600 dark:text-rose-400' : ''}`}
        data-testid={testId}
      >
        {value}
      </dd>
    </div>
  )
}
