/**
 * Runs a demo: the scripted steps that prove an interview answer. Each step is narrated on the timeline,
 * every action goes through the same path as a button press, and at the end the demo's checks are evaluated
 * on the events it produced, so "show me" ends with a measured verdict, not an assertion in prose.
 */
import { make, type LabEvent } from '../../lib/events'
import { evaluate, matches, type CheckResult, type EventMatcher, type PhasedEvent } from '../../lib/match'
import type { Demo } from '../../lib/labs/types'
import type { Room } from './room'
import type { Recorder } from './recorder'

export interface DemoResult {
  demo: string
  passed: boolean
  checks: CheckResult[]
  ms: number
}

export type RunAction = (action: string, params: Record<string, unknown>) => Promise<unknown>

export async function runDemo(room: Room, recorder: Recorder, demo: Demo, run: RunAction): Promise<DemoResult> {
  const started = Date.now()
  let phase = ''
  const seen: PhasedEvent[] = []
  const waiters = new Set<{ m: EventMatcher; resolve: () => void }>()
  const stop = recorder.listen(room.id, (event: LabEvent) => {
    seen.push({ phase, event })
    for (const w of waiters) {
      if (matches(event, w.m)) {
        waiters.delete(w)
        w.resolve()
      }
    }
  })
  const failures: CheckResult[] = []
  room.record(make('marker', 'app', { text: `Demo: ${demo.title}`, demo: demo.id, step: 0 }))
  try {
    let n = 0
    // Where the last action began: an event it caused may already be here when the next step waits for it.
    let actionStart = 0
    for (const step of demo.steps) {
      n += 1
      if ('say' in step) room.record(make('marker', 'app', { text: step.say, demo: demo.id, step: n }))
      else if ('phase' in step) phase = step.phase
      else if ('sleepMs' in step) await sleep(step.sleepMs)
      else if ('do' in step) {
        actionStart = seen.length
        await run(step.do.action, step.do.params ?? {})
      } else if ('waitFor' in step) {
        const already = seen.slice(actionStart).some(({ event }) => matches(event, step.waitFor))
        const arrived = already || await new Promise<boolean>((resolve) => {
          const w = { m: step.waitFor, resolve: () => resolve(true) }
          waiters.add(w)
          setTimeout(() => {
            waiters.delete(w)
            resolve(false)
          }, step.timeoutMs).unref()
        })
        if (!arrived) {
          failures.push({
            text: `Waited for ${describe(step.waitFor)}`,
            passed: false,
            detail: `nothing arrived within ${step.timeoutMs} ms`,
          })
          break
        }
      }
    }
    // Let the last request's events land before judging.
    await recorder.flush(room.id)
  } finally {
    stop()
  }
  const checks = failures.concat(demo.checks.map((check) => evaluate(check, seen)))
  const passed = checks.every((c) => c.passed)
  room.record(make('demo-result', 'app', { demo: demo.id, passed, checks }))
  return { demo: demo.id, passed, checks, ms: Date.now() - started }
}

function describe(m: EventMatcher): string {
  const kinds = Array.isArray(m.kind) ? m.kind.join(' or ') : m.kind
  return m.key ? `${kinds} on ${m.key}` : kinds
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
