'use client'

import dynamic from 'next/dynamic'
import { useEffect, useState } from 'react'
import { cn } from '@/lib/cn'
import { gaugeSeries, type GaugeSeries } from '@/lib/gauge-series'
import { ARM_TTL_SECONDS, BP_GAUGES, type ArmStatus } from '@/lib/labs/best-practices'
import { formatBytes } from '@/lib/labs/key-versioning'
import { useRoomClient } from '../room-provider'
import { useLabAction } from '../use-lab-action'
import { Button } from '../ui/button'
import { Panel } from '../ui/panel'
import { LAB, useBestPractices } from './best-practices-health'

const Chart = dynamic(() => import('../ui/chart'), {
  ssr: false,
  loading: () => <div className="h-[158px] animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />,
}) as typeof import('../ui/chart').default

const ARM_SERIES: Record<string, { key: string; color: string }> = {
  [BP_GAUGES.ttlBytes]: { key: 'with TTL', color: 'var(--color-lane-client)' },
  [BP_GAUGES.nottlBytes]: { key: 'no TTL', color: 'var(--color-lane-cache)' },
}

/**
 * Always set a TTL: the same missed invalidation on a key with a TTL and on one without, side by side; and
 * the two keyspace arms' memory, as Redis measures it, while post reads fill them.
 */
export function TtlPanel() {
  const state = useBestPractices()
  const client = useRoomClient()
  const { run, error, busy } = useLabAction(LAB)
  const [series, setSeries] = useState<GaugeSeries>({ rows: [], keys: [] })
  const [now, setNow] = useState(() => Date.now())

  useEffect(() => {
    const draw = () => {
      setNow(Date.now())
      setSeries(
        gaugeSeries(client.log.events, (name) => ARM_SERIES[name]?.key, {
          now: Date.now(),
          scale: (bytes) => Math.round(bytes / 102.4) / 10,
        }),
      )
    }
    draw()
    const t = setInterval(draw, 1000)
    return () => clearInterval(t)
  }, [client])

  if (!state) return null
  const ks = state.keyspace
  const churning = state.churn.rps > 0
  return (
    <Panel title="Always set a TTL" region="panels" bodyClassName="flex flex-col gap-3 p-3">
      <section>
        <div className="mb-2 flex flex-wrap items-center gap-2">
          <h3 className="text-xs font-semibold text-zinc-600 dark:text-zinc-400">
            The same missed invalidation, twice
          </h3>
          <div className="ml-auto flex gap-1.5">
            <Button size="sm" variant="primary" disabled={busy} onClick={() => void run('missed')}>
              Miss an invalidation
            </Button>
            <Button size="sm" disabled={busy} onClick={() => void run('readArms')}>
              Read both
            </Button>
          </div>
        </div>
        {state.arms.length === 0 ? (
          <p className="text-sm text-zinc-500">
            Caches user 1 with a {ARM_TTL_SECONDS} s TTL and user 2 without one, then changes both rows in the database
            without invalidating either key.
          </p>
        ) : (
          <div className="grid gap-2 sm:grid-cols-2" data-testid="arms">
            {state.arms.map((a) => (
              <ArmCard key={a.arm} a={a} now={now} />
            ))}
          </div>
        )}
      </section>

      <section className="border-t border-zinc-200 pt-3 dark:border-zinc-800">
        <div className="mb-2 flex flex-wrap items-center gap-2">
          <h3 className="text-xs font-semibold text-zinc-600 dark:text-zinc-400">
            The keyspace, with and without a TTL
          </h3>
          <div className="ml-auto flex gap-1.5">
            <Button
              size="sm"
              variant={churning ? 'danger' : 'primary'}
              disabled={busy}
              onClick={() => void run('churn', { rps: churning ? 0 : 20 })}
            >
              {churning ? 'Stop post reads' : 'Start post reads'}
            </Button>
            <Button size="sm" variant="ghost" disabled={busy} onClick={() => void run('measure')}>
              Measure now
            </Button>
          </div>
        </div>
        <div data-testid="keyspace-chart" data-series={series.keys.join(',')}>
          {series.rows.length > 0 ? (
            <Chart
              title="MEMORY USAGE of each arm's keys (KB)"
              data={series.rows}
              x="s"
              series={series.keys.map((k) => ({
                y: k,
                label: k,
                color: Object.values(ARM_SERIES).find((s) => s.key === k)!.color,
              }))}
              height={150}
              format={(kb) => `${kb} KB`}
            />
          ) : (
            <p className="text-sm text-zinc-500">
              Post reads cache each post twice: as <code className="font-mono">ttl:post:&lt;id&gt;</code> with a{' '}
              {ARM_TTL_SECONDS} s TTL and as <code className="font-mono">nottl:post:&lt;id&gt;</code> without one.
              Redis&apos;s own figures for both arms are charted here.
            </p>
          )}
        </div>
        {ks && (
          <p className="mt-1 text-xs text-zinc-500" data-testid="keyspace-figures">
            With a TTL: <span className="font-mono">{ks.ttl.keys}</span> keys, {formatBytes(ks.ttl.bytes)}. Without:{' '}
            <span
              className={cn(
                'font-mono',
                ks.nottl.keys > ks.ttl.keys && 'font-semibold text-rose-600 dark:text-rose-400',
              )}
            >
              {ks.nottl.keys}
            </span>{' '}
            keys, {formatBytes(ks.nottl.bytes)}.
            {ks.usedMemory !== null && ` Redis used_memory (the whole server): ${formatBytes(ks.usedMemory)}.`}
          </p>
        )}
      </section>
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

function ArmCard({ a, now }: { a: ArmStatus; now: number }) {
  const stale = a.staleSince !== null
  let status: string
  if (a.cached === null) status = 'not cached: the next read loads the current row'
  else if (stale) status = `stale for ${Math.max(0, Math.round((now - a.staleSince!) / 1000))} s`
  else status = 'fresh'
  let fate: string
  if (a.cached === null) fate = a.ttlSeconds === null ? '' : 'expired on its TTL'
  else if (a.ttlLeftMs !== null) fate = `expires in ${Math.ceil(a.ttlLeftMs / 1000)} s`
  else fate = stale ? 'no TTL: stale until someone writes it again' : 'no TTL: never expires'
  return (
    <div
      data-arm={a.arm}
      data-stale={stale}
      className={cn(
        'rounded-md border px-3 py-2',
        stale
          ? 'border-rose-300 bg-rose-50/70 dark:border-rose-900 dark:bg-rose-950/30'
          : 'border-emerald-300 bg-emerald-50/60 dark:border-emerald-900 dark:bg-emerald-950/20',
      )}
    >
      <div className="flex items-baseline justify-between gap-2">
        <span className="font-mono text-sm font-semibold">{a.key}</span>
        <span className="text-xs text-zinc-600 dark:text-zinc-400">
          {a.ttlSeconds === null ? 'no TTL' : `TTL ${a.ttlSeconds} s`}
        </span>
      </div>
      <p className="mt-1 font-mono text-xs tabular-nums">
        cached v{a.cached ?? '—'} · database v{a.truth ?? '—'}
      </p>
      <p
        className={cn(
          'text-sm font-medium',
          stale ? 'text-rose-700 dark:text-rose-300' : 'text-emerald-700 dark:text-emerald-300',
        )}
      >
        {status}
      </p>
      {fate && <p className="text-xs text-zinc-500">{fate}</p>}
    </div>
  )
}
