/**
 * Event matchers and demo checks: small data that says "an event like this" and "this many of them", so a
 * walkthrough step knows when it is done and a demo knows whether the claim it proves held. Pure and free of
 * zod, so the browser can use it without shipping a validator; the schemas that validate this data on the
 * server are in match-schema.ts.
 */
import type { Kind, LabEvent, Lane, Source } from './events'

export interface EventMatcher {
  kind: Kind | Kind[]
  lane?: Lane
  key?: string
  src?: Source
  /** The app server instance, or the actor of a scripted race (`A`, `B`, `C`), that produced the event. */
  node?: string
  /** Each listed data field must equal the given value. */
  data?: Record<string, string | number | boolean>
}

/** What a check measures over a demo's events: how many match, or the largest stale window among them. */
export interface Measure {
  match: EventMatcher
  /** Only events recorded while this demo phase was current. */
  phase?: string
  /**
   * Default: count. max, median and sum: the largest value, the middle one, or the total, of a numeric data
   * field (`field`, default `ms`) among them: a probe's longest or typical wait, the keys a loop of SCAN
   * calls returned twice.
   */
  of?: 'count' | 'maxStaleMs' | 'max' | 'median' | 'sum'
  field?: string
}

export type Check =
  | { text: string; measure: Measure; min?: number; max?: number }
  | { text: string; left: Measure; op: 'lt' | 'gt'; right: Measure }

/** Events tagged with the demo phase that was current when they were recorded. */
export interface PhasedEvent {
  phase: string
  event: LabEvent
}

export interface CheckResult {
  text: string
  passed: boolean
  detail: string
}

export function matches(event: LabEvent, m: EventMatcher): boolean {
  const kinds = Array.isArray(m.kind) ? m.kind : [m.kind]
  if (!kinds.includes(event.kind)) return false
  if (m.lane !== undefined && event.lane !== m.lane) return false
  if (m.key !== undefined && event.key !== m.key) return false
  if (m.src !== undefined && event.src !== m.src) return false
  if (m.node !== undefined && event.node !== m.node) return false
  if (m.data) {
    const data = event.data as Record<string, unknown>
    for (const [field, value] of Object.entries(m.data)) if (data[field] !== value) return false
  }
  return true
}

export function measure(events: readonly PhasedEvent[], m: Measure): number {
  let value = 0
  const values: number[] = []
  for (const { phase, event } of events) {
    if (m.phase !== undefined && phase !== m.phase) continue
    if (!matches(event, m.match)) continue
    if (m.of === 'maxStaleMs') {
      if (event.kind === 'stale-read') value = Math.max(value, event.data.staleForMs)
    } else if (m.of === 'max' || m.of === 'sum' || m.of === 'median') {
      const v = (event.data as Record<string, unknown>)[m.field ?? 'ms']
      if (typeof v !== 'number') continue
      if (m.of === 'max') value = Math.max(value, v)
      else if (m.of === 'sum') value += v
      else values.push(v)
    } else value += 1
  }
  if (m.of === 'median') return median(values)
  return value
}

/** The middle value (the mean of the two middle ones for an even count); 0 for none. */
function median(values: number[]): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export function evaluate(check: Check, events: readonly PhasedEvent[]): CheckResult {
  if ('measure' in check) {
    const value = measure(events, check.measure)
    const passed =
      (check.min === undefined || value >= check.min) && (check.max === undefined || value <= check.max)
    return { text: check.text, passed, detail: `measured ${formatMeasure(value, check.measure)}` }
  }
  const left = measure(events, check.left)
  const right = measure(events, check.right)
  const passed = check.op === 'lt' ? left < right : left > right
  return {
    text: check.text,
    passed,
    detail: `${formatMeasure(left, check.left)} ${check.op === 'lt' ? '<' : '>'} ${formatMeasure(right, check.right)}`,
  }
}

function formatMeasure(value: number, m: Measure): string {
  if (m.of === 'maxStaleMs') return `${Math.round(value)} ms stale`
  if ((m.of === 'max' || m.of === 'sum' || m.of === 'median') && (m.field ?? 'ms') === 'ms') return `${value < 10 ? value.toFixed(2) : Math.round(value)} ms`
  return `${value}`
}
