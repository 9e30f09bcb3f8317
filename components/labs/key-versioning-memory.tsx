'use client'

import dynamic from 'next/dynamic'
import { useEffect, useState } from 'react'
import { cn } from '@/lib/cn'
import { gaugeSeries, type GaugeSeries } from '@/lib/gauge-series'
import {
  formatBytes,
  memoryGaugeVersion,
  type GenerationFigures,
  type VersioningLabState,
} from '@/lib/labs/key-versioning'
import { useRoom, useRoomClient } from '../room-provider'
import { useLabAction } from '../use-lab-action'
import { Button } from '../ui/button'
import { Panel } from '../ui/panel'

// recharts is large; load it after the page is interactive, as the other charts do.
const Chart = dynamic(() => import('../ui/chart'), {
  ssr: false,
  loading: () => <div className="h-[178px] animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />,
}) as typeof import('../ui/chart').default

const LAB = 'key-versioning'
const COLORS = [
  'var(--color-lane-client)',
  'var(--color-lane-cache)',
  'var(--color-lane-db)',
  'var(--color-lane-app)',
  'var(--color-lane-bus)',
]
const colorOf = (version: number) => COLORS[(version - 1) % COLORS.length]!

/**
 * Each cache generation's memory in Redis (MEMORY USAGE of its keys, summed), drawn from the gauge events
 * the engine samples, one series per generation; and the generations as a table, with a sweep for the old
 * ones.
 */
export function GenerationsPanel() {
  const client = useRoomClient()
  const { labs } = useRoom()
  const state = labs[LAB] as VersioningLabState | undefined
  const { run, error, busy } = useLabAction(LAB)
  const [series, setSeries] = useState<GaugeSeries>({ rows: [], keys: [] })

  useEffect(() => {
    const draw = () =>
      setSeries(
        gaugeSeries(
          client.log.events,
          (name) => (memoryGaugeVersion(name) !== undefined ? name.split(' ')[0] : undefined),
          {
            now: Date.now(),
            scale: (bytes) => Math.round(bytes / 102.4) / 10,
          },
        ),
      )
    draw()
    const t = setInterval(draw, 1000)
    return () => clearInterval(t)
  }, [client])

  const generations = state?.generations ?? []
  return (
    <Panel
      title="Memory by generation"
      region="panels"
      actions={
        <Button size="sm" variant="ghost" disabled={busy} onClick={() => void run('measure')}>
          Measure now
        </Button>
      }
      bodyClassName="flex flex-col"
    >
      <div className="p-3" data-testid="memory-chart" data-series={series.keys.join(',')}>
        {series.rows.length > 0 ? (
          <Chart
            title="MEMORY USAGE per generation (KB)"
            data={series.rows}
            x="s"
            series={series.keys.map((k) => ({ y: k, color: colorOf(Number(k.slice(1))), label: k }))}
            height={160}
            format={(kb) => `${kb} KB`}
          />
        ) : (
          <p className="text-sm text-zinc-500">
            Nothing measured yet: fill or read some users and each generation&apos;s memory appears here.
          </p>
        )}
      </div>
      {generations.length > 0 && (
        <div className="overflow-x-auto border-t border-zinc-200 dark:border-zinc-800">
          <table className="w-full text-left text-xs" data-testid="generations-table">
            <thead className="text-[11px] tracking-wide text-zinc-500 uppercase">
              <tr className="border-b border-zinc-200 dark:border-zinc-800">
                <th className="px-3 py-1.5 font-semibold">Generation</th>
                <th className="px-3 py-1.5 text-right font-semibold">Keys</th>
                <th className="px-3 py-1.5 text-right font-semibold">Memory</th>
                <th className="px-3 py-1.5 font-semibold">Leaves</th>
                <th className="px-3 py-1.5" />
              </tr>
            </thead>
            <tbody>
              {generations.map((g) => (
                <GenerationRow
                  key={g.version}
                  g={g}
                  current={g.version === state?.version}
                  busy={busy}
                  onSweep={() => void run('sweep', { version: g.version })}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="border-t border-zinc-200 px-3 py-2 text-xs text-zinc-500 dark:border-zinc-800">
        Measured in Redis every second while anything changes: MEMORY USAGE of each key, summed per generation.
        {state?.usedMemory !== null && state?.usedMemory !== undefined && (
          <>
            {' '}
            The whole server&apos;s used_memory is <span className="font-mono">{formatBytes(state.usedMemory)}</span>,
            everything on it included.
          </>
        )}
      </p>
      {error && (
        <p
          role="alert"
          className="mx-3 mb-3 rounded-md bg-rose-50 px-2 py-1.5 text-xs text-rose-800 dark:bg-rose-950 dark:text-rose-200"
        >
          {error}
        </p>
      )}
    </Panel>
  )
}

function GenerationRow({
  g,
  current,
  busy,
  onSweep,
}: {
  g: GenerationFigures
  current: boolean
  busy: boolean
  onSweep(): void
}) {
  const stranded = !current && g.noTtl > 0
  let leaves: React.ReactNode
  if (g.keys === 0) leaves = <span className="text-zinc-500">gone</span>
  else if (g.noTtl === g.keys)
    leaves = (
      <span
        className={cn(
          'font-medium',
          stranded ? 'text-rose-700 dark:text-rose-300' : 'text-amber-700 dark:text-amber-400',
        )}
      >
        never: no TTL
      </span>
    )
  else
    leaves = (
      <span>
        within <span className="font-mono tabular-nums">{Math.ceil((g.maxTtlMs ?? 0) / 1000)} s</span>
        {g.noTtl > 0 && <span className="text-amber-700 dark:text-amber-400"> ({g.noTtl} never)</span>}
      </span>
    )
  return (
    <tr
      className={cn('border-b border-zinc-100 dark:border-zinc-800/60', stranded && 'bg-rose-50 dark:bg-rose-950/30')}
      data-generation={g.version}
      data-keys={g.keys}
    >
      <td className="px-3 py-1.5">
        <span
          className="mr-1.5 inline-block size-2 rounded-full"
          style={{ background: colorOf(g.version) }}
          aria-hidden="true"
        />
        <span className="font-mono font-semibold">v{g.version}</span>
        <span className="ml-1.5 hidden text-zinc-500 sm:inline">
          {current ? 'current: reads and writes' : 'old: nobody reads it'}
        </span>
        <span className="ml-1.5 text-zinc-500 sm:hidden">{current ? 'current' : 'old'}</span>
      </td>
      <td className="px-3 py-1.5 text-right font-mono tabular-nums">{g.keys}</td>
      <td className="px-3 py-1.5 text-right font-mono tabular-nums">{formatBytes(g.bytes)}</td>
      <td className="px-3 py-1.5">{leaves}</td>
      <td className="px-3 py-1.5 text-right">
        {!current && g.keys > 0 && (
          <Button
            size="sm"
            variant={stranded ? 'danger' : 'secondary'}
            disabled={busy}
            onClick={onSweep}
            title={`SCAN 0 MATCH v${g.version}:* COUNT 1000, UNLINK each batch`}
          >
            Sweep v{g.version}
          </Button>
        )}
      </td>
    </tr>
  )
}
