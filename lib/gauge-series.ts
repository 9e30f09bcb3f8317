/**
 * Chart rows from `gauge` events: figures that hold until they change (a generation's memory), so each
 * event starts a step. One row per moment a figure changed, carrying every other series' last value, and a
 * last row at `now` so the lines reach the present.
 */
import type { LabEvent } from './events'

export type GaugeRow = { s: number } & Record<string, number | undefined>

export interface GaugeSeries {
  rows: GaugeRow[]
  /** The series found, in the order they first appeared. */
  keys: string[]
}

/**
 * `pick` maps a gauge's name to its series key (undefined: not charted) and `scale` its value (bytes to
 * KB, say). Time is seconds since the first charted gauge.
 */
export function gaugeSeries(
  events: readonly LabEvent[],
  pick: (name: string) => string | undefined,
  opts: { now?: number; scale?: (value: number) => number; maxRows?: number } = {},
): GaugeSeries {
  const scale = opts.scale ?? ((v: number) => v)
  const current: Record<string, number> = {}
  const keys: string[] = []
  const rows: GaugeRow[] = []
  let t0: number | undefined
  for (const e of events) {
    if (e.kind !== 'gauge') continue
    const key = pick(e.data.name)
    if (key === undefined) continue
    t0 ??= e.time
    if (!keys.includes(key)) keys.push(key)
    current[key] = scale(e.data.value)
    const s = Math.round((e.time - t0) / 100) / 10
    const last = rows.at(-1)
    if (last && last.s === s) Object.assign(last, current)
    else rows.push({ s, ...current })
  }
  if (t0 !== undefined && opts.now !== undefined && opts.now > t0) {
    const s = Math.round((opts.now - t0) / 100) / 10
    if (s > (rows.at(-1)?.s ?? -1)) rows.push({ s, ...current })
  }
  const max = opts.maxRows ?? 600
  if (rows.length <= max) return { rows, keys }
  // Too many steps to draw: keep every k-th, and always the last.
  const k = Math.ceil(rows.length / max)
  const kept = rows.filter((_, i) => i % k === 0)
  if (kept.at(-1) !== rows.at(-1)) kept.push(rows.at(-1)!)
  return { rows: kept, keys }
}
