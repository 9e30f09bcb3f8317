'use client'

import dynamic from 'next/dynamic'
import { useEffect, useState } from 'react'
import type { Point } from '@/lib/series'
import { useRoomClient } from './room-provider'

// recharts is large; load it after the page is interactive so it stays out of first-load JavaScript.
const Chart = dynamic(() => import('./ui/chart'), {
  ssr: false,
  loading: () => <div className="h-[138px] animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />,
}) as typeof import('./ui/chart').default

/** At most this many points per series; older seconds are merged into wider buckets. */
const MAX_POINTS = 1000

/** Live charts of the room: hit ratio, database queries per second, stale reads per second. Redrawn once a second. */
export function LabCharts() {
  const client = useRoomClient()
  const [points, setPoints] = useState<Point[]>([])
  useEffect(() => {
    const draw = () => setPoints(client.series.points(MAX_POINTS))
    draw()
    const t = setInterval(draw, 1000)
    return () => clearInterval(t)
  }, [client])
  return (
    <div data-region="charts" className="grid grid-cols-1 gap-4 rounded-lg border border-zinc-200 bg-white p-3 sm:grid-cols-3 dark:border-zinc-800 dark:bg-zinc-900">
      <Chart title="Hit ratio" data={points} x="s" y="hitRatio" color="var(--color-lane-client)" unit="%" domain={[0, 100]} />
      <Chart title="DB queries / s" data={points} x="s" y="queries" color="var(--color-lane-db)" />
      <Chart title="Stale reads / s" data={points} x="s" y="stale" color="var(--color-lane-cache)" />
    </div>
  )
}
