'use client'

import { useEffect, useMemo, useState } from 'react'
import { cn } from '@/lib/cn'
import { formatMs } from '@/lib/describe'
import { WARMING, type WarmingLabState } from '@/lib/labs/cache-warming'
import { useRoom } from '../room-provider'
import { useLabAction } from '../use-lab-action'
import { Button } from '../ui/button'
import { Panel } from '../ui/panel'

const LAB = 'cache-warming'

/**
 * The scheduled refresh: whether it runs and how often, a countdown to the next run, what the database says
 * is trending now (with a boost for any post), and the last runs with what each found new.
 */
export function WarmingSchedulePanel() {
  const { labs } = useRoom()
  const state = labs[LAB] as WarmingLabState | undefined
  const { run, error, busy } = useLabAction(LAB)
  const schedule = state?.schedule
  const countdown = useCountdown(schedule?.nextRunAt ?? null, schedule?.now ?? 0)
  // The run that found each post new, among the runs listed (newest wins).
  const foundBy = useMemo(() => {
    const m = new Map<number, number>()
    for (const r of [...(schedule?.runs ?? [])].reverse()) for (const id of r.added) m.set(id, r.n)
    return m
  }, [schedule])
  const refreshed = useMemo(() => (schedule?.refreshed ? new Set(schedule.refreshed) : null), [schedule])
  const interval = schedule?.intervalSeconds ?? WARMING.defaultIntervalSeconds

  return (
    <Panel
      title="Scheduled warming"
      region="panels"
      actions={
        <Button size="sm" variant="ghost" disabled={busy} onClick={() => void run('refresh')}>
          Refresh now
        </Button>
      }
      bodyClassName="flex flex-col"
    >
      <div className="flex flex-wrap items-center gap-2 px-3 py-2" data-testid="schedule-status" data-on={schedule?.on ? 'true' : 'false'}>
        <span
          className={cn(
            'rounded px-1.5 py-0.5 text-xs font-semibold',
            schedule?.on ? 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300' : 'bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400',
          )}
        >
          {schedule?.on ? `every ${interval} s` : 'off'}
        </span>
        {schedule?.on && (
          <span className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="countdown">
            {countdown === null ? 'refreshing…' : <>next run in <span className="font-mono tabular-nums">{countdown.toFixed(1)} s</span></>}
          </span>
        )}
        <span className="text-xs text-zinc-500">
          {schedule?.count ?? 0} run{schedule?.count === 1 ? '' : 's'}; TTL {state?.ttlSeconds ?? WARMING.defaultTtlSeconds} s
          {state && schedule?.on && state.ttlSeconds <= interval && (
            <span className="ml-1 font-medium text-rose-700 dark:text-rose-400">(shorter than the interval: keys expire between runs)</span>
          )}
        </span>
        <span className="ml-auto flex gap-1">
          {WARMING.intervalOptions.map((s) => (
            <Button
              key={s}
              size="sm"
              variant={schedule?.on && interval === s ? 'primary' : 'secondary'}
              disabled={busy}
              onClick={() => void run('schedule', { on: true, intervalSeconds: s })}
            >
              {s} s
            </Button>
          ))}
          <Button size="sm" variant="danger" disabled={busy || !schedule?.on} onClick={() => void run('schedule', { on: false })}>
            Stop
          </Button>
        </span>
      </div>
      {schedule?.on && countdown !== null && (
        <div className="mx-3 mb-2 h-1 overflow-hidden rounded bg-zinc-100 dark:bg-zinc-800" aria-hidden="true">
          <div className="h-full bg-emerald-500 transition-[width] duration-200" style={{ width: `${100 - (countdown / interval) * 100}%` }} />
        </div>
      )}
      <div className="grid gap-3 border-t border-zinc-200 p-3 md:grid-cols-2 dark:border-zinc-800">
        <div>
          <h3 className="text-xs font-semibold text-zinc-600 dark:text-zinc-400">
            Trending now in the database (top {state?.topN ?? WARMING.defaultTopN} by likes)
          </h3>
          <ol className="mt-1 max-h-48 overflow-y-auto text-xs" data-testid="trending-list">
            {(state?.trending ?? []).map((p, i) => (
              <li key={p.id} className="flex items-center gap-2 border-b border-zinc-100 py-0.5 dark:border-zinc-800/60" data-post={p.id}>
                <span className="w-6 text-right font-mono text-zinc-400 tabular-nums">{i + 1}</span>
                <span className="font-mono">post:{p.id}</span>
                {foundBy.has(p.id) && (
                  <span className="rounded bg-amber-100 px-1 text-[10px] font-semibold text-amber-800 dark:bg-amber-950 dark:text-amber-300">
                    new in #{foundBy.get(p.id)}
                  </span>
                )}
                {refreshed && !refreshed.has(p.id) && (
                  <span
                    className="rounded bg-rose-100 px-1 text-[10px] font-semibold text-rose-800 dark:bg-rose-950 dark:text-rose-300"
                    data-testid="not-refreshed"
                  >
                    not refreshed yet
                  </span>
                )}
                <span className="ml-auto font-mono text-zinc-500 tabular-nums">{p.likes} likes</span>
              </li>
            ))}
          </ol>
          <BoostForm busy={busy} onBoost={(postId) => void run('boost', { postId })} />
        </div>
        <div>
          <h3 className="text-xs font-semibold text-zinc-600 dark:text-zinc-400">Refresh runs (newest first)</h3>
          {(schedule?.runs.length ?? 0) === 0 ? (
            <p className="mt-1 text-xs text-zinc-500">
              None yet. Pick an interval: each run reads what is trending and SETs it again with a fresh TTL, in one pipeline.
            </p>
          ) : (
            <ul className="mt-1 text-xs" data-testid="refresh-runs">
              {schedule!.runs.map((r) => (
                <li key={r.n} className="border-b border-zinc-100 py-1 dark:border-zinc-800/60" data-run={r.n}>
                  <span className="font-semibold">#{r.n}</span>{' '}
                  <span className="text-zinc-500">
                    {new Date(r.at).toLocaleTimeString()} · {r.keys} keys in {formatMs(r.ms)}
                  </span>
                  {r.added.length > 0 && (
                    <span className="ml-1 text-emerald-700 dark:text-emerald-400" data-testid="run-added">
                      + {r.added.map((id) => `post:${id}`).join(', ')}
                    </span>
                  )}
                  {r.dropped.length > 0 && (
                    <span className="ml-1 text-zinc-500">− {r.dropped.map((id) => `post:${id}`).join(', ')} (left to its TTL)</span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      {error && (
        <p role="alert" className="mx-3 mb-3 rounded-md bg-rose-50 px-2 py-1.5 text-xs text-rose-800 dark:bg-rose-950 dark:text-rose-200">
          {error}
        </p>
      )}
    </Panel>
  )
}

/** Seconds until `nextRunAt` (server clock), ticking; the server's clock is taken as `now` when it published. */
function useCountdown(nextRunAt: number | null, serverNow: number): number | null {
  const [left, setLeft] = useState<number | null>(null)
  useEffect(() => {
    if (nextRunAt === null) return
    // The clocks of the browser and the server may differ: count from when this state arrived.
    const arrived = Date.now()
    const remaining = nextRunAt - serverNow
    const tick = () => setLeft(Math.max(0, (remaining - (Date.now() - arrived)) / 1000))
    const first = setTimeout(tick, 0)
    const t = setInterval(tick, 100)
    return () => {
      clearTimeout(first)
      clearInterval(t)
    }
  }, [nextRunAt, serverNow])
  return nextRunAt === null ? null : left
}

function BoostForm({ busy, onBoost }: { busy: boolean; onBoost(postId: number): void }) {
  const [postId, setPostId] = useState(500)
  const max = 500
  return (
    <form
      className="mt-2 flex items-center gap-2 text-xs"
      onSubmit={(e) => {
        e.preventDefault()
        onBoost(postId)
      }}
    >
      <label className="text-zinc-600 dark:text-zinc-400" htmlFor="boost-post">
        Boost post
      </label>
      <input
        id="boost-post"
        type="number"
        min={1}
        max={max}
        value={postId}
        onChange={(e) => setPostId(Math.min(max, Math.max(1, Math.round(Number(e.target.value)) || 1)))}
        className="h-7 w-16 rounded border border-zinc-300 bg-white px-1.5 font-mono dark:border-zinc-700 dark:bg-zinc-900"
      />
      <Button size="sm" type="submit" disabled={busy} data-testid="boost">
        to #1 (likes, in the DB)
      </Button>
    </form>
  )
}
