'use client'

import { useRoom } from './room-provider'

export interface LabStat {
  label: string
  value: string | number
  hint?: string
  /** Drawn in the warning colour. */
  warn?: boolean
}

/** Figures a lab computes itself and publishes with its settings (`stats`), e.g. next-read latency after a write. */
export function LabStats({ lab }: { lab: string }) {
  const { labs } = useRoom()
  const stats = (labs[lab] as { stats?: LabStat[] } | undefined)?.stats
  if (!stats || stats.length === 0) return null
  return (
    <dl className="grid grid-cols-2 gap-2 sm:grid-cols-3 xl:grid-cols-4" data-testid="lab-stats">
      {stats.map((s) => (
        <div key={s.label} className="rounded-lg border border-sky-200 bg-sky-50/60 px-3 py-2 dark:border-sky-900 dark:bg-sky-950/30">
          <dt className="text-[11px] font-medium tracking-wide text-zinc-600 uppercase dark:text-zinc-400">{s.label}</dt>
          <dd className={`font-mono text-lg font-semibold tabular-nums ${s.warn ? 'text-rose-600 dark:text-rose-400' : ''}`} data-lab-stat={s.label}>
            {s.value}
          </dd>
          {s.hint && (
            <dd className="truncate text-[11px] text-zinc-500" title={s.hint}>
              {s.hint}
            </dd>
          )}
        </div>
      ))}
    </dl>
  )
}
