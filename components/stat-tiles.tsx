'use client'

import { formatMs } from '@/lib/describe'
import { useRoom } from './room-provider'

/** The room's key figures, from the server's metrics (all requests since the room started). */
export function StatTiles() {
  const { metrics: m } = useRoom()
  const tiles: { label: string; value: string; hint: string; warn?: boolean }[] = [
    { label: 'Hit ratio', value: m?.hitRatio == null ? '—' : `${(m.hitRatio * 100).toFixed(1)}%`, hint: `${m?.hits ?? 0} hits, ${m?.misses ?? 0} misses` },
    { label: 'DB queries', value: String(m?.dbQueries ?? 0), hint: `${m?.dbInFlight ?? 0} in flight, peak ${m?.dbInFlightPeak ?? 0}` },
    { label: 'Stale reads', value: String(m?.staleReads ?? 0), hint: 'served an older version than the DB held', warn: (m?.staleReads ?? 0) > 0 },
    { label: 'Latency p50', value: m?.latencyMs.p50 == null ? '—' : formatMs(m.latencyMs.p50), hint: `p99 ${m?.latencyMs.p99 == null ? '—' : formatMs(m.latencyMs.p99)}` },
    { label: 'Expirations', value: String(m?.expirations ?? 0), hint: 'reported by Redis' },
    { label: 'Cache errors', value: String((m?.cacheErrors ?? 0) + (m?.dbErrors ?? 0)), hint: `${m?.cacheErrors ?? 0} Redis, ${m?.dbErrors ?? 0} DB`, warn: (m?.cacheErrors ?? 0) + (m?.dbErrors ?? 0) > 0 },
  ]
  return (
    <dl className="grid grid-cols-2 gap-2 sm:grid-cols-3 xl:grid-cols-6" data-testid="stat-tiles">
      {tiles.map((t) => (
        <div key={t.label} className="rounded-lg border border-zinc-200 bg-white px-3 py-2 dark:border-zinc-800 dark:bg-zinc-900">
          <dt className="text-[11px] font-medium tracking-wide text-zinc-500 uppercase">{t.label}</dt>
          <dd className={`font-mono text-lg font-semibold tabular-nums ${t.warn ? 'text-rose-600 dark:text-rose-400' : ''}`} data-stat={t.label}>
            {t.value}
          </dd>
          <dd className="truncate text-[11px] text-zinc-500" title={t.hint}>
            {t.hint}
          </dd>
        </div>
      ))}
    </dl>
  )
}
