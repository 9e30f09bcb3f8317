'use client'

import { useState } from 'react'
import { cn } from '@/lib/cn'
import { formatMs } from '@/lib/describe'
import { RACE_LIMITS, RACE_STRATEGIES, type RandomResult, type RacesLabState } from '@/lib/labs/races'
import { useRoom } from '../room-provider'
import { useLabAction } from '../use-lab-action'
import { Button } from '../ui/button'
import { Segmented, Slider } from '../ui/field'
import { Panel } from '../ui/panel'

type Form = {
  readers: number
  writers: number
  durationMs: number
  fillPauseMs: number
  writeGapMs: number
  keys: number
}

const DEFAULTS: Form = {
  readers: RACE_LIMITS.readers.default,
  writers: RACE_LIMITS.writers.default,
  durationMs: RACE_LIMITS.durationMs.default,
  fillPauseMs: RACE_LIMITS.fillPauseMs.default,
  writeGapMs: RACE_LIMITS.writeGapMs.default,
  keys: RACE_LIMITS.keys.default,
}

/**
 * The randomised mode: its settings, a Run button, and per strategy the reads, stale reads (and how many of
 * them served a stale write-back), stale write-backs and stale windows, with bars to compare at a glance.
 */
export function RaceRandom() {
  const { labs } = useRoom()
  const state = labs.races as RacesLabState | undefined
  const { run, error } = useLabAction('races')
  const [form, setForm] = useState<Form>(DEFAULTS)
  const set = (k: keyof Form) => (v: number) => setForm((f) => ({ ...f, [k]: v }))
  const [view, setView] = useState<'all' | 'last'>('all')
  const random = state?.random ?? null
  const totals = state?.randomTotals ?? null
  const running = random !== null && random.finishedAt === null
  const several = !running && totals !== null && totals.runs > 1
  const results = several && view === 'all' ? totals.results : (random?.results ?? [])
  const most = Math.max(1, ...results.map((r) => r.staleReads))

  return (
    <Panel
      title="Randomised mode: many readers and writers at once"
      actions={<span className="hidden text-xs text-zinc-500 sm:inline">each strategy on its own keys</span>}
      bodyClassName="flex flex-col gap-3 p-3"
    >
      <details className="text-xs" open={results.length === 0}>
        <summary className="cursor-pointer text-zinc-600 select-none dark:text-zinc-400">
          Settings (per strategy)
        </summary>
        <div className="mt-2 grid gap-3 sm:grid-cols-3">
          <Slider
            label="Readers"
            value={form.readers}
            min={RACE_LIMITS.readers.min}
            max={RACE_LIMITS.readers.max}
            onChange={set('readers')}
          />
          <Slider
            label="Writers"
            value={form.writers}
            min={RACE_LIMITS.writers.min}
            max={RACE_LIMITS.writers.max}
            onChange={set('writers')}
          />
          <Slider
            label="Keys"
            value={form.keys}
            min={RACE_LIMITS.keys.min}
            max={RACE_LIMITS.keys.max}
            onChange={set('keys')}
          />
          <Slider
            label="Duration"
            value={form.durationMs / 1000}
            min={RACE_LIMITS.durationMs.min / 1000}
            max={RACE_LIMITS.durationMs.max / 1000}
            unit=" s"
            onChange={(s) => set('durationMs')(s * 1000)}
          />
          <Slider
            label="Reader pause before its fill (up to)"
            value={form.fillPauseMs}
            min={RACE_LIMITS.fillPauseMs.min}
            max={RACE_LIMITS.fillPauseMs.max}
            step={10}
            unit=" ms"
            onChange={set('fillPauseMs')}
          />
          <Slider
            label="Writer pause between writes (± 50 %)"
            value={form.writeGapMs}
            min={RACE_LIMITS.writeGapMs.min}
            max={RACE_LIMITS.writeGapMs.max}
            step={20}
            unit=" ms"
            onChange={set('writeGapMs')}
          />
        </div>
      </details>
      <div className="flex flex-wrap items-center gap-2">
        <Button variant="primary" disabled={running} onClick={() => void run('race', { ...form })}>
          {running ? 'Running…' : 'Run'}
        </Button>
        {random && (
          <div className="flex min-w-40 flex-1 items-center gap-2">
            <div className="h-1.5 flex-1 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800">
              <div
                className="h-full bg-sky-500 transition-[width]"
                style={{ width: `${Math.round(random.progress * 100)}%` }}
              />
            </div>
            <span className="text-xs text-zinc-500 tabular-nums" data-testid="race-run-state">
              {running ? `${Math.round(random.progress * 100)}%` : 'done'}
            </span>
          </div>
        )}
      </div>
      {random && (
        <p className="text-xs text-zinc-500" data-testid="race-run-settings">
          {random.settings.readers} readers and {random.settings.writers} writers per strategy on {random.settings.keys}{' '}
          key{random.settings.keys === 1 ? '' : 's'} for {random.settings.durationMs / 1000} s; readers pause up to{' '}
          {random.settings.fillPauseMs} ms before filling; database {random.settings.dbLatencyMs} ±{' '}
          {random.settings.dbJitterMs} ms; TTL {random.settings.ttlSeconds} s; double delete after{' '}
          {random.settings.delayMs} ms.
        </p>
      )}
      {several && (
        <Segmented<'all' | 'last'>
          label="Which runs"
          value={view}
          onChange={setView}
          options={[
            { value: 'all', label: `All ${totals.runs} runs with these settings` },
            { value: 'last', label: 'Last run' },
          ]}
        />
      )}
      {results.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-xs" data-testid="race-results">
            <thead className="text-[11px] tracking-wide text-zinc-500 uppercase">
              <tr className="border-b border-zinc-200 dark:border-zinc-800">
                <th className="px-2 py-1.5 font-semibold">Strategy</th>
                <th className="px-2 py-1.5 text-right font-semibold">Reads</th>
                <th className="px-2 py-1.5 font-semibold">Stale reads</th>
                <th
                  className="px-2 py-1.5 text-right font-semibold"
                  title="Stale reads that served a value a stale fill had put back"
                >
                  From write-backs
                </th>
                <th
                  className="px-2 py-1.5 text-right font-semibold"
                  title="Fills of an old row after the newer write's invalidation"
                >
                  Stale write-backs
                </th>
                <th
                  className="px-2 py-1.5 text-right font-semibold"
                  title="Fills a version check refused or a lease rejected"
                >
                  Fills stopped
                </th>
                <th className="px-2 py-1.5 text-right font-semibold">Longest stale window</th>
                <th className="px-2 py-1.5 text-right font-semibold">Total stale time</th>
              </tr>
            </thead>
            <tbody>
              {results.map((r) => (
                <ResultRow key={r.strategy} r={r} most={most} />
              ))}
            </tbody>
          </table>
          <p className="mt-2 text-[11px] text-zinc-500">
            Every strategy has a few stale reads in the moment between a write&apos;s commit and its invalidation. The
            race is the write-backs: an old row stored after that invalidation, stale until something deletes it again
            or the TTL ends it. A window still open when the run ended is counted until the TTL. One run is a handful of
            races: run it a few times and compare the totals.
          </p>
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

function ResultRow({ r, most }: { r: RandomResult; most: number }) {
  return (
    <tr className="border-b border-zinc-100 dark:border-zinc-800/60" data-strategy={r.strategy}>
      <td className="px-2 py-1.5 font-medium">{RACE_STRATEGIES[r.strategy].label}</td>
      <td className="px-2 py-1.5 text-right font-mono tabular-nums">{r.reads}</td>
      <td className="px-2 py-1.5">
        <div className="flex items-center gap-2">
          <span
            className={cn(
              'w-10 text-right font-mono font-semibold tabular-nums',
              r.staleReads > 0 && 'text-rose-700 dark:text-rose-300',
            )}
            data-cell="stale"
          >
            {r.staleReads}
          </span>
          <span className="h-2 min-w-16 flex-1 rounded-sm bg-zinc-100 dark:bg-zinc-800" aria-hidden="true">
            <span
              className="block h-full rounded-sm bg-rose-400 dark:bg-rose-500"
              style={{ width: `${(r.staleReads / most) * 100}%` }}
            />
          </span>
        </div>
      </td>
      <td className="px-2 py-1.5 text-right font-mono tabular-nums" data-cell="after-fills">
        {r.staleReadsAfterFills}
      </td>
      <td
        className={cn(
          'px-2 py-1.5 text-right font-mono tabular-nums',
          r.staleFills > 0 && 'font-semibold text-rose-700 dark:text-rose-300',
        )}
        data-cell="write-backs"
      >
        {r.staleFills}
      </td>
      <td className="px-2 py-1.5 text-right font-mono tabular-nums">{r.stoppedFills}</td>
      <td className="px-2 py-1.5 text-right font-mono tabular-nums" data-cell="longest">
        {formatMs(r.windows.maxMs)}
      </td>
      <td className="px-2 py-1.5 text-right font-mono tabular-nums">{formatMs(r.windows.totalMs)}</td>
    </tr>
  )
}
