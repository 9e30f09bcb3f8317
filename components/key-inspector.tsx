'use client'

import { useEffect, useState } from 'react'
import type { InspectedKey } from '@/lib/protocol'
import { formatMs } from '@/lib/describe'
import { cn } from '@/lib/cn'
import { useRoom } from './room-provider'
import { Panel } from './ui/panel'

/**
 * Each key Redis holds for the room, beside the truth: the cached version next to the database's, the TTL
 * counting down, and how long the cached copy has been stale. Read from Redis and the database (not
 * guessed from events), refreshed when cache events arrive.
 */
export function KeyInspector() {
  const { inspect, inspectReceivedAt } = useRoom()
  const now = useNow(100)
  const keys = inspect?.keys ?? []
  const servers = inspect?.servers ?? []
  const l1 = new Map(servers.map((sv) => [sv.id, new Map(sv.entries.map((e) => [e.key, e]))]))
  return (
    <Panel
      title="Key inspector"
      region="inspector"
      actions={<span className="text-xs text-zinc-500">cache beside database truth</span>}
      // A lab that caches hundreds of keys must not push the timeline a page away: the rows scroll in their box.
      bodyClassName="max-h-[36rem] overflow-auto"
    >
      {keys.length === 0 ? (
        <p className="p-4 text-sm text-zinc-500">
          No keys cached in this room right now. A read that misses will put one here.
        </p>
      ) : (
        <table className="w-full text-left text-xs" data-testid="inspector-table">
          <thead className="text-[11px] tracking-wide text-zinc-500 uppercase">
            <tr className="border-b border-zinc-200 dark:border-zinc-800">
              <th className="px-3 py-1.5 font-semibold">Key</th>
              <th className="px-3 py-1.5 font-semibold">{servers.length > 0 ? 'Redis' : 'Cached'}</th>
              {servers.map((sv) => (
                <th key={sv.id} className="px-3 py-1.5 font-semibold">
                  {sv.id} L1
                </th>
              ))}
              <th className="px-3 py-1.5 font-semibold">Database</th>
              <th className="px-3 py-1.5 font-semibold">TTL left</th>
              <th className="px-3 py-1.5 font-semibold">State</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <KeyRow
                key={k.key}
                k={k}
                at={inspect!.at}
                elapsed={Math.max(0, now - inspectReceivedAt)}
                l1={servers.map((sv) => ({ id: sv.id, entry: l1.get(sv.id)?.get(k.key) }))}
              />
            ))}
          </tbody>
        </table>
      )}
      {inspect?.truncated && (
        <p className="border-t border-zinc-200 px-3 py-1.5 text-xs text-zinc-500 dark:border-zinc-800">
          Showing the first {keys.length} keys.
        </p>
      )}
    </Panel>
  )
}

/** `elapsed`: ms since the snapshot arrived; `at` is when the server took it (server clock). */
function KeyRow({
  k,
  at,
  elapsed,
  l1,
}: {
  k: InspectedKey
  at: number
  elapsed: number
  l1: { id: string; entry: { version: number | null; ttlMs: number } | undefined }[]
}) {
  const left = k.ttlMs === null ? null : Math.max(0, k.ttlMs - elapsed)
  const staleL1 = l1.filter((c) => c.entry && k.dbVersion !== null && c.entry.version !== null && c.entry.version < k.dbVersion)
  const stale = k.staleSince !== null || staleL1.length > 0
  // Newer than the database: a value written to the cache for a database write that never committed.
  const uncommitted = k.version !== null && k.dbVersion !== null && k.version > k.dbVersion
  const name = nameOf(k.value)
  return (
    <tr
      data-key={k.key}
      data-stale={stale}
      data-uncommitted={uncommitted}
      className={cn(
        'border-b border-zinc-100 dark:border-zinc-800/60',
        stale && 'bg-rose-50 dark:bg-rose-950/30',
        uncommitted && 'bg-fuchsia-50 dark:bg-fuchsia-950/30',
      )}
    >
      <td className="px-3 py-1.5 font-mono">{k.key}</td>
      <td className="max-w-[16rem] px-3 py-1.5">
        {k.version !== null ? (
          <span>
            <span className="font-mono font-semibold">v{k.version}</span>
            {name && <span className="ml-1.5 text-zinc-500">{name}</span>}
          </span>
        ) : (
          <span className="block truncate font-mono text-zinc-500" title={k.value ?? k.type}>
            {k.value !== null ? JSON.stringify(k.value) : k.type === 'none' ? '—' : `(${k.type})`}
          </span>
        )}
      </td>
      {l1.map(({ id, entry }) => (
        <td key={id} className="px-3 py-1.5 font-mono" data-l1={id}>
          {entry ? (
            <span className={entry.version !== null && k.dbVersion !== null && entry.version < k.dbVersion ? 'font-semibold text-rose-700 dark:text-rose-300' : ''}>
              v{entry.version ?? '?'} <span className="text-zinc-500">{(Math.max(0, entry.ttlMs - elapsed) / 1000).toFixed(0)}s</span>
            </span>
          ) : (
            <span className="text-zinc-400">—</span>
          )}
        </td>
      ))}
      <td className="px-3 py-1.5 font-mono">{k.dbVersion !== null ? `v${k.dbVersion}` : '—'}</td>
      <td className="px-3 py-1.5">
        {k.type === 'none' ? (
          <span className="text-zinc-400">—</span>
        ) : left === null ? (
          <span className="font-medium text-amber-700 dark:text-amber-400">no TTL</span>
        ) : (
          <span className="font-mono tabular-nums">{(left / 1000).toFixed(1)} s</span>
        )}
      </td>
      <td className="px-3 py-1.5">
        {stale ? (
          <span className="font-semibold text-rose-700 dark:text-rose-300">
            {k.staleSince !== null ? (
              <>
                stale for <span className="font-mono tabular-nums">{formatMs(Math.max(0, at + elapsed - k.staleSince))}</span>
              </>
            ) : (
              `stale in ${staleL1.map((c) => c.id).join(', ')}`
            )}
          </span>
        ) : uncommitted ? (
          <span className="font-semibold text-fuchsia-700 dark:text-fuchsia-300" title="The cache holds a version the database has not committed">
            never committed
          </span>
        ) : k.dbVersion !== null && (k.version !== null || l1.some((c) => c.entry)) ? (
          <span className="text-emerald-700 dark:text-emerald-400">fresh</span>
        ) : (
          <span className="text-zinc-500">not a row</span>
        )}
      </td>
    </tr>
  )
}

function nameOf(value: string | null): string | undefined {
  if (!value) return undefined
  try {
    const v = JSON.parse(value) as { name?: unknown }
    return typeof v.name === 'string' ? v.name : undefined
  } catch {
    return undefined
  }
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
