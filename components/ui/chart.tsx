'use client'

/**
 * The one chart wrapper: every chart in the app goes through it, so colours, axes, labels and sizing are
 * decided once. Animation is off: the data moves on its own every second.
 */
import { Area, AreaChart, Bar, BarChart, CartesianGrid, ComposedChart, Line, Tooltip, XAxis, YAxis } from 'recharts'

/** One line of a chart with several (one per cache generation, say). */
export interface ChartSeries {
  y: string
  color: string
  label: string
}

export interface ChartProps<T> {
  title: string
  data: T[]
  x: keyof T & string
  /** The one series drawn, unless `series` lists several. */
  y?: keyof T & string
  color?: string
  /** Several series, each with its own colour and a legend entry; drawn as steps (figures that hold until they change). */
  series?: ChartSeries[]
  unit?: string
  /** Fixed y range, e.g. [0, 100] for a percentage. */
  domain?: [number, number]
  height?: number
  /** Formats y values on the axis and in the tooltip (e.g. bytes as KB). */
  format?: (value: number) => string
}

export default function Chart<T extends object>({ title, data, x, y, color, series, unit, domain, height = 120, format }: ChartProps<T>) {
  const lines: ChartSeries[] = series ?? (y ? [{ y, color: color ?? 'currentColor', label: title }] : [])
  const multi = series !== undefined
  return (
    <figure className="min-w-0" aria-label={title}>
      <figcaption className="mb-1 flex flex-wrap items-center gap-x-3 text-xs font-medium text-zinc-600 dark:text-zinc-400">
        <span>{title}</span>
        {multi &&
          lines.map((s) => (
            <span key={s.y} className="inline-flex items-center gap-1 font-normal" data-series={s.label}>
              <span className="inline-block size-2 rounded-full" style={{ background: s.color }} aria-hidden="true" />
              {s.label}
            </span>
          ))}
      </figcaption>
      <AreaChart data={data} responsive style={{ width: '100%', height }} margin={{ top: 4, right: 8, bottom: 0, left: -18 }}>
        <defs>
          {lines.map((s) => (
            <linearGradient key={s.y} id={`grad-${s.y.replace(/\W/g, '_')}`} x1="0" y1="0" x2="0" y2="1">
              <stop offset="0%" stopColor={s.color} stopOpacity={multi ? 0.18 : 0.35} />
              <stop offset="100%" stopColor={s.color} stopOpacity={0.02} />
            </linearGradient>
          ))}
        </defs>
        <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.12} vertical={false} />
        <XAxis
          dataKey={x as string}
          tick={{ fontSize: 10, fill: 'currentColor', opacity: 0.6 }}
          tickLine={false}
          axisLine={false}
          unit="s"
          minTickGap={24}
          // Steps come at the moments figures changed, not once a second: a time axis keeps them in proportion.
          {...(multi ? { type: 'number' as const, domain: ['dataMin', 'dataMax'], allowDecimals: false, tickFormatter: (v: number) => String(Math.round(v)) } : {})}
        />
        <YAxis
          tick={{ fontSize: 10, fill: 'currentColor', opacity: 0.6 }}
          tickLine={false}
          axisLine={false}
          domain={domain ?? [0, 'auto']}
          allowDecimals={false}
          width={format ? 56 : 44}
          tickFormatter={format}
        />
        <Tooltip
          contentStyle={{ fontSize: 12, borderRadius: 6, background: 'var(--tooltip-bg, white)', border: '1px solid rgb(0 0 0 / 0.1)' }}
          labelFormatter={(s) => `${s} s`}
          formatter={(v, name) => [format ? format(Number(v)) : `${v}${unit ?? ''}`, lines.find((s) => s.y === name)?.label ?? title]}
        />
        {lines.map((s) => (
          <Area
            key={s.y}
            type={multi ? 'stepAfter' : 'monotone'}
            dataKey={s.y}
            stroke={s.color}
            strokeWidth={1.5}
            fill={`url(#grad-${s.y.replace(/\W/g, '_')})`}
            isAnimationActive={false}
            connectNulls={!multi}
            dot={false}
          />
        ))}
      </AreaChart>
    </figure>
  )
}

const AXIS_TICK = { fontSize: 10, fill: 'currentColor', opacity: 0.6 }
const TOOLTIP_STYLE = {
  fontSize: 12,
  borderRadius: 6,
  background: 'var(--tooltip-bg, white)',
  border: '1px solid rgb(0 0 0 / 0.1)',
}

function Legend({ title, lines }: { title: string; lines: ChartSeries[] }) {
  return (
    <figcaption className="mb-1 flex flex-wrap items-center gap-x-3 text-xs font-medium text-zinc-600 dark:text-zinc-400">
      <span>{title}</span>
      {lines.map((s) => (
        <span key={s.y} className="inline-flex items-center gap-1 font-normal" data-series={s.label}>
          <span className="inline-block size-2 rounded-full" style={{ background: s.color }} aria-hidden="true" />
          {s.label}
        </span>
      ))}
    </figcaption>
  )
}

/** Bars over a category or time axis, stacked when there are several series (a histogram of outcomes). */
export function BarsChart<T extends object>({
  title,
  data,
  x,
  series,
  height = 140,
  xUnit,
}: {
  title: string
  data: T[]
  x: keyof T & string
  series: ChartSeries[]
  height?: number
  xUnit?: string
}) {
  return (
    <figure className="min-w-0" aria-label={title}>
      <Legend title={title} lines={series.length > 1 ? series : []} />
      <BarChart
        data={data}
        responsive
        style={{ width: '100%', height }}
        margin={{ top: 4, right: 8, bottom: 0, left: 0 }}
        barCategoryGap={1}
      >
        <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.12} vertical={false} />
        <XAxis dataKey={x as string} tick={AXIS_TICK} tickLine={false} axisLine={false} unit={xUnit} minTickGap={16} />
        <YAxis tick={AXIS_TICK} tickLine={false} axisLine={false} allowDecimals={false} width={48} />
        <Tooltip
          contentStyle={TOOLTIP_STYLE}
          labelFormatter={(l) => `${l}${xUnit ?? ''}`}
          formatter={(v, name) => [String(v), series.find((s) => s.y === name)?.label ?? String(name)]}
        />
        {series.map((s) => (
          <Bar key={s.y} dataKey={s.y} stackId="stack" fill={s.color} isAnimationActive={false} />
        ))}
      </BarChart>
    </figure>
  )
}

/**
 * Curves (left axis, 0–1) over a numeric x axis, with bars of counts on a right axis: a probability
 * against what was observed.
 */
export function CurveChart<T extends object>({
  title,
  data,
  x,
  curves,
  bars,
  height = 180,
  xLabel,
}: {
  title: string
  data: T[]
  x: keyof T & string
  curves: ChartSeries[]
  bars?: ChartSeries[]
  height?: number
  xLabel?: (v: number) => string
}) {
  return (
    <figure className="min-w-0" aria-label={title}>
      <Legend title={title} lines={[...curves, ...(bars ?? [])]} />
      <ComposedChart
        data={data}
        responsive
        style={{ width: '100%', height }}
        margin={{ top: 4, right: 0, bottom: 0, left: 0 }}
      >
        <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.12} vertical={false} />
        <XAxis
          dataKey={x as string}
          tick={AXIS_TICK}
          tickLine={false}
          axisLine={false}
          minTickGap={20}
          tickFormatter={xLabel}
        />
        <YAxis yAxisId="p" tick={AXIS_TICK} tickLine={false} axisLine={false} domain={[0, 1]} width={44} />
        {bars && (
          <YAxis
            yAxisId="n"
            orientation="right"
            tick={AXIS_TICK}
            tickLine={false}
            axisLine={false}
            allowDecimals={false}
            width={36}
          />
        )}
        <Tooltip
          contentStyle={TOOLTIP_STYLE}
          labelFormatter={(l) => (xLabel ? xLabel(Number(l)) : String(l))}
          formatter={(v, name) => {
            const s = [...curves, ...(bars ?? [])].find((c) => c.y === name)
            return [
              typeof v === 'number' && curves.some((c) => c.y === name) ? v.toFixed(3) : String(v),
              s?.label ?? String(name),
            ]
          }}
        />
        {bars?.map((s) => (
          <Bar key={s.y} yAxisId="n" dataKey={s.y} fill={s.color} fillOpacity={0.5} isAnimationActive={false} />
        ))}
        {curves.map((s) => (
          <Line
            key={s.y}
            yAxisId="p"
            type="monotone"
            dataKey={s.y}
            stroke={s.color}
            strokeWidth={1.75}
            dot={false}
            isAnimationActive={false}
          />
        ))}
      </ComposedChart>
    </figure>
  )
}
