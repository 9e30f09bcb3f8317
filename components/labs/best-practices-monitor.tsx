'use client'

import dynamic from 'next/dynamic'
import { useEffect, useState } from 'react'
import { gaugeSeries, type GaugeSeries } from '@/lib/gauge-series'
import { BP_GAUGES } from '@/lib/labs/best-practices'
import { useRoomClient } from '../room-provider'
import { Panel } from '../ui/panel'
import { useBestPractices } from './best-practices-health'

const Chart = dynamic(() => import('../ui/chart'), {
  ssr: false,
  loading: () => <div className="h-[138px] animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />,
}) as typeof import('../ui/chart').default

const RATES: Record<string, { color: string }> = {
  [BP_GAUGES.invalidations]: { color: 'var(--color-lane-app)' },
  [BP_GAUGES.staleReads]: { color: 'var(--color-lane-bus)' },
  [BP_GAUGES.cacheErrors]: { color: 'var(--color-lane-cache)' },
}

/**
 * Monitor invalidations: the room's /metrics lines, scraped by the engine once a second, as rates
 * (invalidations, stale reads and cache errors per second) and the hit ratio; and the lines themselves.
 */
export function MonitorPanel() {
  const state = useBestPractices()
  const client = useRoomClient()
  const [rates, setRates] = useState<GaugeSeries>({ rows: [], keys: [] })
  const [ratio, setRatio] = useState<GaugeSeries>({ rows: [], keys: [] })

  useEffect(() => {
    const draw = () => {
      const now = Date.now()
      setRates(gaugeSeries(client.log.events, (name) => (RATES[name] ? name : undefined), { now }))
      setRatio(gaugeSeries(client.log.events, (name) => (name === BP_GAUGES.hitRatio ? name : undefined), { now }))
    }
    draw()
    const t = setInterval(draw, 1000)
    return () => clearInterval(t)
  }, [client])

  if (!state) return null
  return (
    <Panel
      title="Monitoring"
      region="panels"
      actions={
        <a
          href="/metrics"
          target="_blank"
          rel="noreferrer"
          className="text-xs text-sky-700 underline-offset-2 hover:underline dark:text-sky-400"
        >
          GET /metrics
        </a>
      }
      bodyClassName="flex flex-col gap-3 p-3"
    >
      {rates.rows.length === 0 ? (
        <p className="text-sm text-zinc-500">
          Once anything runs, the engine scrapes this room&apos;s lines of its Prometheus text every second and charts
          the rates here (GET /metrics shows totals over all rooms, without room ids, unless you hold the operator token).
        </p>
      ) : (
        <div className="grid gap-4 md:grid-cols-2" data-testid="monitor-charts" data-series={rates.keys.join(',')}>
          <Chart
            title="Per second"
            data={rates.rows}
            x="s"
            series={rates.keys.map((k) => ({ y: k, label: k, color: RATES[k]!.color }))}
            height={130}
          />
          {ratio.rows.length > 0 ? (
            <Chart
              title="Hit ratio (%)"
              data={ratio.rows}
              x="s"
              series={[{ y: BP_GAUGES.hitRatio, label: 'hit ratio', color: 'var(--color-lane-client)' }]}
              height={130}
              format={(v) => `${v}%`}
            />
          ) : (
            <p className="text-sm text-zinc-500">No reads yet: the hit ratio appears with the first one.</p>
          )}
        </div>
      )}
      {state.metrics.length > 0 && (
        <details className="text-xs">
          <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">
            This room&apos;s lines of /metrics, as last scraped
          </summary>
          <pre
            className="mt-1 max-h-48 overflow-auto rounded-md bg-zinc-950 p-2 font-mono text-[11px] leading-relaxed text-zinc-200"
            data-testid="metrics-lines"
          >
            {state.metrics.join('\n')}
          </pre>
        </details>
      )}
    </Panel>
  )
}
