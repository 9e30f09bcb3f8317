'use client'

import dynamic from 'next/dynamic'
import { formatMs } from '@/lib/describe'
import { STRATEGY_LABELS, STRATEGY_SHORT, type StrategyId } from '@/lib/labs/stampede-math'
import { latestComparison } from '@/lib/labs/stampede-view'
import { Panel } from '../ui/panel'
import { useDerived } from './stampede-burst'

const BarsChart = dynamic(() => import('../ui/chart').then((m) => m.BarsChart), {
  ssr: false,
  loading: () => <div className="h-[150px] animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />,
}) as typeof import('../ui/chart').BarsChart

/** "Run every strategy on the same burst": one row per strategy, and their database queries charted. */
export function ComparisonPanel() {
  const comparison = useDerived(latestComparison)
  const rows = comparison?.rows ?? []
  const chart = rows.map((r) => ({
    strategy: STRATEGY_SHORT[r.strategy as StrategyId],
    queries: r.dbQueries,
  }))
  return (
    <Panel
      title="Every strategy on the same burst"
      region="charts"
      bodyClassName="flex flex-col"
      className="xl:col-span-2"
    >
      {rows.length === 0 ? (
        <p className="p-3 text-sm text-zinc-500">
          Press “Run every strategy on the same burst”: the same requests, on the same keys in the same order, go
          through each strategy in turn from the same starting state.
        </p>
      ) : (
        <>
          <div className="overflow-x-auto">
            <table className="w-full text-left text-xs" data-testid="comparison-table">
              <thead className="text-[11px] tracking-wide text-zinc-500 uppercase">
                <tr className="border-b border-zinc-200 dark:border-zinc-800">
                  <th className="px-3 py-1.5 font-semibold">Strategy</th>
                  <th className="px-3 py-1.5 text-right font-semibold">DB queries</th>
                  <th className="px-3 py-1.5 text-right font-semibold">p50</th>
                  <th className="px-3 py-1.5 text-right font-semibold">p95</th>
                  <th className="px-3 py-1.5 text-right font-semibold">p99</th>
                  <th className="px-3 py-1.5 text-right font-semibold">Stale served</th>
                  <th className="px-3 py-1.5 text-right font-semibold">Errors</th>
                  <th className="px-3 py-1.5 text-right font-semibold">Peak in flight</th>
                  <th className="px-3 py-1.5 text-right font-semibold">Time</th>
                </tr>
              </thead>
              <tbody className="font-mono whitespace-nowrap tabular-nums">
                {rows.map((r) => (
                  <tr
                    key={r.id}
                    className="border-b border-zinc-100 last:border-0 dark:border-zinc-800"
                    data-strategy={r.strategy}
                  >
                    <td className="px-3 py-1.5 font-sans whitespace-normal">
                      {STRATEGY_LABELS[r.strategy as StrategyId]}
                    </td>
                    <td
                      className={`px-3 py-1.5 text-right ${r.dbQueries > (r.servers ?? 1) ? 'text-rose-600 dark:text-rose-400' : ''}`}
                    >
                      {r.dbQueries}
                    </td>
                    <td className="px-3 py-1.5 text-right">{formatMs(r.p50 ?? 0)}</td>
                    <td className="px-3 py-1.5 text-right">{formatMs(r.p95 ?? 0)}</td>
                    <td className="px-3 py-1.5 text-right">{formatMs(r.p99 ?? 0)}</td>
                    <td className="px-3 py-1.5 text-right">{r.stale}</td>
                    <td className={`px-3 py-1.5 text-right ${r.errors > 0 ? 'text-rose-600 dark:text-rose-400' : ''}`}>
                      {r.errors}
                    </td>
                    <td className="px-3 py-1.5 text-right">{r.peakInFlight}</td>
                    <td className="px-3 py-1.5 text-right">{formatMs(r.ms)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="border-t border-zinc-200 p-3 dark:border-zinc-800">
            <BarsChart
              title={`Database queries for the same burst of ${rows[0]!.total}`}
              data={chart}
              x="strategy"
              series={[{ y: 'queries', color: 'var(--color-lane-db)', label: 'queries' }]}
              height={160}
            />
          </div>
        </>
      )}
    </Panel>
  )
}
