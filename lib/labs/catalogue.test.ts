/**
 * Lab content is data that the walkthrough, the demos and the "show me" buttons execute, so a typo in it only
 * shows when a learner presses a button. These tests run every reference in every lab against the thing it
 * names: actions and their parameter schemas, demos, phases, code-panel functions and source files.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { functionRanges } from '../../server/api/source'
import { ROOT } from '../../server/test-support/env'
import type { EventMatcher, Measure } from '../match'
import { findLab, LABS } from './catalogue'
import { DATA_CLASSES } from './ttl'
import { LAB_ACTIONS, type ActionSpec } from './actions'
import { validateLab } from './schema'
import type { ActionCall, LabSpec } from './types'

/** Every action call a lab's content makes: walkthrough "do it for me" runs and demo steps. */
function actionCalls(lab: LabSpec): { where: string; call: ActionCall }[] {
  const calls: { where: string; call: ActionCall }[] = []
  for (const step of lab.walkthrough)
    for (const call of step.run ?? []) calls.push({ where: `walkthrough ${step.id}`, call })
  for (const demo of lab.demos) {
    demo.steps.forEach((step, i) => {
      if ('do' in step) calls.push({ where: `demo ${demo.id} step ${i + 1}`, call: step.do })
    })
  }
  return calls
}

function measures(lab: LabSpec): { demo: string; m: Measure }[] {
  return lab.demos.flatMap((d) =>
    d.checks.flatMap((c) => ('measure' in c ? [c.measure] : [c.left, c.right]).map((m) => ({ demo: d.id, m }))),
  )
}

describe('the catalogue', () => {
  it('has labs with unique ids, each found by findLab', () => {
    expect(LABS.length).toBeGreaterThan(0)
    expect(new Set(LABS.map((l) => l.id)).size).toBe(LABS.length)
    for (const lab of LABS) expect(findLab(lab.id)).toBe(lab)
    expect(findLab('no-such-lab')).toBeUndefined()
  })
})

describe.each(LABS.map((lab) => [lab.id, lab, LAB_ACTIONS[lab.id] ?? {}] as const))('lab %s', (_id, lab, actions) => {
  it('has actions, and its content passes the validation the engine runs at start', () => {
    expect(Object.keys(actions).length).toBeGreaterThan(0)
    expect(() => validateLab(lab, actions)).not.toThrow()
  })

  it('has unique ids for walkthrough steps, questions and demos', () => {
    for (const ids of [lab.walkthrough.map((s) => s.id), lab.questions.map((q) => q.id), lab.demos.map((d) => d.id)]) {
      expect(new Set(ids).size).toBe(ids.length)
    }
  })

  it('names an existing demo in every question, and every demo proves some question', () => {
    const demos = new Set(lab.demos.map((d) => d.id))
    for (const q of lab.questions) expect(demos, `question ${q.id}`).toContain(q.demo)
    const proved = new Set(lab.questions.map((q) => q.demo))
    for (const d of lab.demos) expect(proved, `demo ${d.id}`).toContain(d.id)
  })

  it('calls only actions it has, with parameters their schemas accept (strictly, as the engine does)', () => {
    const calls = actionCalls(lab)
    expect(calls.length).toBeGreaterThan(0)
    for (const { where, call } of calls) {
      expect(Object.keys(actions), where).toContain(call.action)
      const parsed = actions[call.action]!.params.strict().safeParse(call.params ?? {})
      expect(
        parsed.success ? 'ok' : parsed.error.issues,
        `${where}: ${call.action} ${JSON.stringify(call.params)}`,
      ).toBe('ok')
    }
  })

  it('never starts a demo from inside a demo', () => {
    for (const d of lab.demos) {
      for (const step of d.steps) if ('do' in step) expect(step.do.action, d.id).not.toBe('demo')
    }
  })

  it('measures only phases its demos declare', () => {
    for (const { demo, m } of measures(lab)) {
      if (m.phase === undefined) continue
      const phases = lab.demos.find((d) => d.id === demo)!.steps.flatMap((s) => ('phase' in s ? [s.phase] : []))
      expect(phases, `demo ${demo} measures phase "${m.phase}"`).toContain(m.phase)
    }
  })

  it('waits in its demos only for events a lab action can cause, on keys the demo touches', () => {
    for (const d of lab.demos) {
      const keys = new Set(
        d.steps.flatMap((s) => [
          ...('do' in s && typeof s.do.params?.userId === 'number' ? [`user:${s.do.params.userId}`] : []),
          ...('do' in s && typeof s.do.params?.postId === 'number' ? [`post:${s.do.params.postId}`] : []),
        ]),
      )
      const waits: EventMatcher[] = d.steps.flatMap((s) => ('waitFor' in s ? [s.waitFor] : []))
      for (const w of waits) if (w.key !== undefined) expect(keys, `demo ${d.id} waits on ${w.key}`).toContain(w.key)
    }
  })

  it('describes every action and turns its parameters into JSON Schema (as GET /api/labs does)', () => {
    for (const [id, action] of Object.entries(actions) as [string, ActionSpec][]) {
      expect(action.label.length, id).toBeGreaterThan(0)
      expect(action.summary.length, id).toBeGreaterThan(0)
      expect(z.toJSONSchema(action.params, { io: 'input' })).toMatchObject({ type: 'object' })
    }
    expect(Object.keys(actions)).toEqual(expect.arrayContaining(['reset', 'demo', 'dbLatency']))
  })

  it('lists source files that exist, and points its code panel at functions they export', () => {
    const ranges = lab.sources.map((file) => {
      const abs = path.join(ROOT, file)
      expect(existsSync(abs), file).toBe(true)
      return functionRanges(readFileSync(abs, 'utf8'))
    })
    const names = ranges.flat().map((f) => f.name)
    for (const [action, fn] of Object.entries(lab.codeFor ?? {})) {
      expect(Object.keys(actions), `codeFor ${action}`).toContain(action)
      expect(names, `codeFor ${action} → ${fn}`).toContain(fn)
    }
  })
})

describe('validateLab', () => {
  const lab = findLab('ttl')!
  const actions = LAB_ACTIONS.ttl!
  const check = (changed: LabSpec) => () => validateLab(changed, actions)

  it('rejects a question that names an unknown demo', () => {
    const questions = [{ ...lab.questions[0]!, demo: 'no-such-demo' }]
    expect(check({ ...lab, questions })).toThrow(/unknown demo no-such-demo/)
  })

  it('rejects a call of an unknown action, or with parameters its schema refuses', () => {
    const demo = lab.demos[0]!
    expect(check({ ...lab, demos: [{ ...demo, steps: [{ do: { action: 'nope' } }] }] })).toThrow(/unknown action nope/)
    expect(check({ ...lab, demos: [{ ...demo, steps: [{ do: { action: 'read', params: { userId: 0 } } }] }] })).toThrow(/read/)
    expect(check({ ...lab, codeFor: { nope: 'readUser' } })).toThrow(/codeFor/)
  })

  it('rejects malformed content', () => {
    expect(check({ ...lab, demos: [{ ...lab.demos[0]!, checks: [] }] })).toThrow()
    expect(check({ ...lab, walkthrough: [] })).toThrow()
    expect(check({ ...lab, demos: [{ ...lab.demos[0]!, steps: [{ sleepMs: 0 }] }] })).toThrow()
    expect(check({ ...lab, walkthrough: [{ ...lab.walkthrough[0]!, done: { kind: 'nope' } }] } as never)).toThrow()
  })
})

describe('TTL lab data classes', () => {
  it('keep the real-world order of their TTLs when compressed to lab seconds', () => {
    const classes = Object.values(DATA_CLASSES)
    for (let i = 1; i < classes.length; i++) {
      expect(classes[i]!.realSeconds).toBeGreaterThan(classes[i - 1]!.realSeconds)
      expect(classes[i]!.labSeconds).toBeGreaterThan(classes[i - 1]!.labSeconds)
    }
    const setTtl = LAB_ACTIONS.ttl!.setTtl!.params
    for (const c of classes) expect(setTtl.safeParse({ seconds: c.labSeconds }).success).toBe(true)
  })
})
