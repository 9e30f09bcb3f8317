/**
 * Event matchers and demo checks: small data that says "an event like this" and "this many of them", so a
 * walkthrough step knows when it is done and a demo knows whether the claim it proves held. Pure, shared by
 * the server (demo runner) and the browser (walkthrough).
 */
import { z } from 'zod'
import { KINDS, Lane, Source, type Kind, type LabEvent } from './events'

const Scalar = z.union([z.string(), z.number(), z.boolean()])

export const EventMatcher = z.object({
  kind: z.union([z.enum(KINDS as [Kind, ...Kind[]]), z.array(z.enum(KINDS as [Kind, ...Kind[]]))]),
  lane: Lane.optional(),
  key: z.string().optional(),
  src: Source.optional(),
  /** Each listed data field must equal the given value. */
  data: z.record(z.string(), Scalar).optional(),
})
export type EventMatcher = z.infer<typeof EventMatcher>

export function matches(event: LabEvent, m: EventMatcher): boolean {
  const kinds = Array.isArray(m.kind) ? m.kind : [m.kind]
  if (!kinds.includes(event.kind)) return false
  if (m.lane !== undefined && event.lane !== m.lane) return false
  if (m.key !== undefined && event.key !== m.key) return false
  if (m.src !== undefined && event.src !== m.src) return false
  if (m.data) {
    const data = event.data as Record<string, unknown>
    for (const [field, value] of Object.entries(m.data)) if (data[field] !== value) return false
  }
  return true
}

/** What a check measures over a demo's events: how many match, or the largest stale window among them. */
export const Measure = z.object({
  match: EventMatcher,
  /** Only events recorded while this demo phase was current. */
  phase: z.string().optional(),
  of: z.enum(['count', 'maxStaleMs']).default('count'),
})
export type Measure = z.infer<typeof Measure>

export const Check = z.union([
  z.object({
    text: z.string(),
    measure: Measure,
    min: z.number().optional(),
    max: z.number().optional(),
  }),
  z.object({ text: z.string(), left: Measure, op: z.enum(['lt', 'gt']), right: Measure }),
])
export type Check = z.infer<typeof Check>

/** Events tagged with the demo phase that was current when they were recorded. */
export interface PhasedEvent {
  phase: string
  event: LabEvent
}

export function measure(events: readonly PhasedEvent[], m: Measure): number {
  let value = 0
  for (const { phase, event } of events) {
    if (m.phase !== undefined && phase !== m.phase) continue
    if (!matches(event, m.match)) continue
    if (m.of === 'count') value += 1
    else if (event.kind === 'stale-read') value = Math.max(value, event.data.staleForMs)
  }
  return value
}

export interface CheckResult {
  text: string
  passed: boolean
  detail: string
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
  return m.of === 'maxStaleMs' ? `${Math.round(value)} ms stale` : `${value}`
}
