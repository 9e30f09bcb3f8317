'use client'

import dynamic from 'next/dynamic'
import { useState } from 'react'
import { formatMs } from '@/lib/describe'
import { linearRefreshProbability, xfetchProbability } from '@/lib/labs/stampede-math'
import { latestEarlyBurst } from '@/lib/labs/stampede-view'
import { useLabAction } from '../use-lab-action'
import { Slider } from '../ui/field'
import { Panel } from '../ui/panel'
import { LAB, useDerived, useStampedeState } from './stampede-burst'

const CurveChart = dynamic(() => import('../ui/chart').then((m) => m.CurveChart), {
  ssr: false,
  loading: () => <div className="h-[180px] animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />,
}) as typeof import('../ui/chart').CurveChart

const POINTS = 40

/**
 * The chance that one read refreshes early, against the time left to the expiry: the linear rule and
 * XFetch (exp(−remaining / Δβ)), with Δ and β to play with; beside them, the early refreshes the latest
 * early-expiration burst actually made, counted by their time to expiry.
 */
export function XFetchPanel() {
  const state = useStampedeState()
  const { run } = useLabAction(LAB)
  const last = useDerived(latestEarlyBurst)
  const [delta, setDelta] = useState<number | undefined>(undefined)
  const [betaDraft, setBetaDraft] = useState<number | undefined>(undefined)
  const beta = betaDraft ?? state?.beta ?? 1
  const d = delta ?? Math.max(1, state?.dbLatencyMs ?? 50)
  const ttl = state?.ttlMs ?? 10_000
  const span = Math.max(100, Math.min(ttl, Math.ceil((6 * d * Math.max(beta, 0.25)) / 50) * 50))
  const step = span / POINTS
  const observed = last?.refreshAt ?? []
  const data = Array.from({ length: POINTS + 1 }, (_, i) => {
    const remaining = span - i * step
    const inBin = observed.filter((r) => r <= remaining + step / 2 && r > remaining - step / 2).length
    return {
      remaining: Math.round(remaining),
      linear: linearRefreshProbability(remaining, ttl),
      xfetch: xfetchProbability(remaining, d, beta),
      observed: inBin,
    }
  })
  return (
    <Panel title="Probabilistic early expiration" region="charts" bodyClassName="flex flex-col gap-3 p-3">
      <div className="grid gap-3 sm:grid-cols-2">
        <Slider label="Δ, recompute time" value={d} min={1} max={2000} unit=" ms" onChange={setDelta} />
        <Slider
          label="β"
          value={beta}
          min={0}
          max={5}
          step={0.25}
          onChange={setBetaDraft}
          onCommit={(v) => void run('settings', { beta: v }).then(() => setBetaDraft(undefined))}
        />
      </div>
      <div data-testid="xfetch-plot">
        <CurveChart
          title="Chance one read refreshes, by time left to expiry"
          data={data}
          x="remaining"
          xLabel={(v) => `${formatMs(v)} left`}
          curves={[
            { y: 'xfetch', color: 'var(--color-lane-cache)', label: `XFetch (Δ ${formatMs(d)}, β ${beta})` },
            { y: 'linear', color: 'var(--color-lane-app)', label: `linear (TTL ${formatMs(ttl)})` },
          ]}
          bars={[{ y: 'observed', color: 'var(--color-lane-db)', label: 'refreshes seen' }]}
        />
      </div>
      <p className="text-xs text-zinc-500">
        {last
          ? `The latest ${last.strategy === 'xfetch' ? 'XFetch' : 'linear'} burst refreshed ${last.refreshes} time${last.refreshes === 1 ? '' : 's'} before the expiry and made ${last.dbQueries} database quer${last.dbQueries === 1 ? 'y' : 'ies'} in all (bars: its refreshes by time left). Δ defaults to the database latency; the engine measures it on every load and stores it with the value.`
          : 'Fire a ramped burst on a key that is about to expire with XFetch or the linear rule: its refreshes show here as bars, by the time they had left.'}
      </p>
    </Panel>
  )
}
