'use client'

/**
 * The one chart wrapper: every chart in the app goes through it, so colours, axes, labels and sizing are
 * decided once. Animation is off: the data moves on its own every second.
 */
import { Area, AreaChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts'

export interface ChartProps<T> {
  title: string
  data: T[]
  x: keyof T & string
  y: keyof T & string
  color: string
  unit?: string
  /** Fixed y range, e.g. [0, 100] for a percentage. */
  domain?: [number, number]
  height?: number
}

export default function Chart<T extends object>({ title, data, x, y, color, unit, domain, height = 120 }: ChartProps<T>) {
  const id = `grad-${y}`
  return (
    <figure className="min-w-0" aria-label={title}>
      <figcaption className="mb-1 text-xs font-medium text-zinc-600 dark:text-zinc-400">{title}</figcaption>
      <AreaChart data={data} responsive style={{ width: '100%', height }} margin={{ top: 4, right: 8, bottom: 0, left: -18 }}>
        <defs>
          <linearGradient id={id} x1="0" y1="0" x2="0" y2="1">
            <stop offset="0%" stopColor={color} stopOpacity={0.35} />
            <stop offset="100%" stopColor={color} stopOpacity={0.02} />
          </linearGradient>
        </defs>
        <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.12} vertical={false} />
        <XAxis dataKey={x as string} tick={{ fontSize: 10, fill: 'currentColor', opacity: 0.6 }} tickLine={false} axisLine={false} unit="s" minTickGap={24} />
        <YAxis tick={{ fontSize: 10, fill: 'currentColor', opacity: 0.6 }} tickLine={false} axisLine={false} domain={domain ?? [0, 'auto']} allowDecimals={false} width={44} />
        <Tooltip
          contentStyle={{ fontSize: 12, borderRadius: 6, background: 'var(--tooltip-bg, white)', border: '1px solid rgb(0 0 0 / 0.1)' }}
          labelFormatter={(s) => `${s} s`}
          formatter={(v) => [`${v}${unit ?? ''}`, title]}
        />
        <Area type="monotone" dataKey={y as string} stroke={color} strokeWidth={1.5} fill={`url(#${id})`} isAnimationActive={false} connectNulls dot={false} />
      </AreaChart>
    </figure>
  )
}
