'use client'

import type { ComponentType } from 'react'
import { MODE_INFO, type EventDrivenState, type ServerStatus } from '@/lib/labs/event-driven'
import { cn } from '@/lib/cn'
import { useRoom } from '../room-provider'
import { Panel } from '../ui/panel'

const LAB = 'event-driven'

function useLabState(): EventDrivenState | undefined {
  return useRoom().labs[LAB] as EventDrivenState | undefined
}

/** One card per app server: its listener, its L1 cache, what it received, lost, redelivered, and (streams) its offsets. */
function ServersPanel() {
  const state = useLabState()
  if (!state || state.perServer.length === 0) return null
  const streamy = state.mode === 'stream' || state.mode === 'outbox'
  return (
    <Panel
      title="App servers"
      region="servers"
      actions={<span className="text-xs text-zinc-500">{MODE_INFO[state.mode].label}: delivery {MODE_INFO[state.mode].delivery}</span>}
      bodyClassName="p-3"
    >
      <div className="grid grid-cols-1 gap-2 sm:grid-cols-2 xl:grid-cols-5" data-testid="servers">
        {state.perServer.map((s) => (
          <ServerCard key={s.id} s={s} streamy={streamy} />
        ))}
      </div>
      {streamy && (
        <p className="mt-3 text-xs text-zinc-600 dark:text-zinc-400">
          In Kafka terms: the stream <code className="font-mono">bus</code> is the topic, each <code className="font-mono">g-appN</code> a consumer group, an entry id an
          offset, and XACK commits it. <em>Pending</em> entries were delivered and not yet acknowledged; <em>lag</em> counts entries the group has not read yet.
        </p>
      )}
    </Panel>
  )
}

function ServerCard({ s, streamy }: { s: ServerStatus; streamy: boolean }) {
  const rows: [string, string | number][] = [
    ['L1 entries', s.l1Entries],
    ['delivered', s.delivered],
    ['lost', s.lost],
    ['duplicates', s.duplicates],
    ['stale reads', s.staleReads],
    ['latency p50 / p99', s.latencyP50 === null ? '—' : `${s.latencyP50} / ${s.latencyP99} ms`],
  ]
  if (streamy) rows.push(['acked', s.acked], ['offset', s.lastDelivered ?? '—'], ['pending', s.pending ?? '—'], ['lag', s.lag ?? '—'])
  return (
    <div className="rounded-md border border-zinc-200 p-2 text-xs dark:border-zinc-800" data-server={s.id} data-listener={s.listener}>
      <div className="mb-1 flex items-center gap-2">
        <span className="font-mono font-semibold">{s.id}</span>
        <span
          className={cn(
            'rounded px-1.5 py-0.5 text-[10px] font-semibold uppercase',
            s.listener === 'up' && 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200',
            s.listener === 'down' && 'bg-rose-100 text-rose-900 dark:bg-rose-950 dark:text-rose-200',
            s.listener === 'crashed' && 'bg-rose-600 text-white',
          )}
        >
          {s.listener === 'up' ? 'listening' : s.listener}
        </span>
      </div>
      <dl className="grid grid-cols-[1fr_auto] gap-x-2 gap-y-0.5">
        {rows.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-zinc-500">{k}</dt>
            <dd className={cn('text-right font-mono tabular-nums', k === 'stale reads' && Number(v) > 0 && 'text-rose-600 dark:text-rose-400', k === 'lost' && Number(v) > 0 && 'text-rose-600 dark:text-rose-400')}>
              {String(v).length > 16 ? `…${String(v).slice(-14)}` : v}
            </dd>
          </div>
        ))}
      </dl>
    </div>
  )
}

/** The "compare all modes" result: one row per mode, and a bar per mode for what stayed stale. */
function ComparePanel() {
  const state = useLabState()
  const rows = state?.compare
  if (!rows || rows.length === 0) {
    return state?.comparing ? (
      <Panel title="All modes compared" region="compare" bodyClassName="p-3">
        <p className="text-sm text-zinc-500">Running the script under every mode… watch the timeline.</p>
      </Panel>
    ) : null
  }
  const most = Math.max(1, ...rows.map((r) => r.staleAtEnd))
  return (
    <Panel title="All modes compared" region="compare" bodyClassName="overflow-x-auto p-3">
      <p className="mb-2 text-xs text-zinc-600 dark:text-zinc-400">
        Same script in every mode: all servers read users 1–3; app1 writes user 1; the last server&apos;s listener is down while user 2 is written (and app2&apos;s
        consumer crashes before acking); app1 writes user 3 and dies after its commit; then every server reads users 1–3 again.
      </p>
      <table className="w-full text-left text-xs" data-testid="compare-table">
        <thead className="text-[11px] tracking-wide text-zinc-500 uppercase">
          <tr className="border-b border-zinc-200 dark:border-zinc-800">
            <th className="py-1.5 pr-3">Mode</th>
            <th className="py-1.5 pr-3">Invalidation p50 / p99</th>
            <th className="py-1.5 pr-3">Lost</th>
            <th className="py-1.5 pr-3">Duplicates</th>
            <th className="py-1.5 pr-3">Stale reads at the end</th>
            <th className="w-1/3 py-1.5" aria-hidden="true" />
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.mode} className="border-b border-zinc-100 dark:border-zinc-800/60" data-mode={r.mode}>
              <td className="py-1.5 pr-3 font-medium">{MODE_INFO[r.mode].label}</td>
              <td className="py-1.5 pr-3 font-mono">{r.latencyP50 === null ? '—' : `${r.latencyP50} / ${r.latencyP99} ms`}</td>
              <td className="py-1.5 pr-3 font-mono">{r.lost}</td>
              <td className="py-1.5 pr-3 font-mono">{r.duplicates}</td>
              <td className={cn('py-1.5 pr-3 font-mono', r.staleAtEnd > 0 ? 'text-rose-600 dark:text-rose-400' : 'text-emerald-700 dark:text-emerald-400')} data-stale={r.staleAtEnd}>
                {r.staleAtEnd}
              </td>
              <td className="py-1.5">
                <div className="h-3 rounded bg-rose-400/80 dark:bg-rose-500/70" style={{ width: `${(r.staleAtEnd / most) * 100}%`, minWidth: r.staleAtEnd > 0 ? 4 : 0 }} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  )
}

export const eventDrivenPanels: ComponentType<{ lab: string }>[] = [ServersPanel, ComparePanel]
