/**
 * Validates lab content (types.ts) against zod schemas and against the lab's own actions: every
 * walkthrough "do it for me" and every demo step must call an action the lab has, with parameters its
 * schema accepts, and every question must name one of the lab's demos. The engine runs this for every lab
 * when it starts, so a typo in content stops the server, never a learner's button.
 */
import { z } from 'zod'
import { Check, EventMatcher } from '../match-schema'
import type { ActionSpec } from './actions'
import type { ActionCall as Call, ControlSpec, LabSpec } from './types'

export const ActionCall = z.object({ action: z.string(), params: z.record(z.string(), z.unknown()).optional() })
export const Region = z.enum(['controls', 'timeline', 'inspector', 'charts', 'code', 'room', 'panels'])

export const WalkthroughStep = z.object({
  id: z.string(),
  title: z.string(),
  body: z.string(),
  task: z.string().optional(),
  run: z.array(ActionCall).optional(),
  look: Region.optional(),
  done: EventMatcher.optional(),
  optional: z.boolean().optional(),
})

export const DemoStep = z.union([
  z.object({ say: z.string() }),
  z.object({ do: ActionCall }),
  z.object({ waitFor: EventMatcher, timeoutMs: z.number().int().positive().max(120_000) }),
  z.object({ sleepMs: z.number().int().positive().max(60_000) }),
  z.object({ phase: z.string() }),
])

export const Demo = z.object({
  id: z.string(),
  title: z.string(),
  steps: z.array(DemoStep).min(1),
  checks: z.array(Check).min(1),
})

export const Question = z.object({
  id: z.string(),
  question: z.string(),
  answer: z.string(),
  tradeoff: z.string(),
  demo: z.string(),
})

const ControlValue = z.union([z.string(), z.number(), z.boolean(), z.null()])
export const ControlSchema: z.ZodType = z.lazy(() =>
  z.union([
    z.object({ kind: z.literal('user'), label: z.string().optional() }),
    z.object({
      kind: z.literal('button'),
      label: z.string(),
      action: z.string(),
      params: z.record(z.string(), z.unknown()).optional(),
      variant: z.enum(['primary', 'secondary', 'danger']).optional(),
      title: z.string().optional(),
    }),
    z.object({
      kind: z.literal('choice'),
      label: z.string(),
      action: z.string(),
      param: z.string(),
      state: z.string(),
      options: z.array(z.object({ value: ControlValue, label: z.string(), title: z.string().optional() })).min(1),
      params: z.record(z.string(), z.unknown()).optional(),
    }),
    z.object({
      kind: z.literal('slider'),
      label: z.string(),
      action: z.string(),
      param: z.string(),
      state: z.string(),
      min: z.number(),
      max: z.number(),
      step: z.number().positive().optional(),
      unit: z.string().optional(),
      params: z.record(z.string(), z.unknown()).optional(),
    }),
    z.object({ kind: z.literal('group'), label: z.string(), controls: z.array(ControlSchema), note: z.string().optional() }),
  ]),
)

export const LabContent = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string().min(1),
  tagline: z.string().min(1),
  intro: z.string().min(1),
  walkthrough: z.array(WalkthroughStep).min(1),
  questions: z.array(Question).min(1),
  demos: z.array(Demo).min(1),
  sources: z.array(z.string()).min(1),
  codeFor: z.record(z.string(), z.string()).optional(),
  controls: z.array(ControlSchema).optional(),
  classAction: ActionCall.optional(),
})

export class LabContentError extends Error {
  readonly code = 'E_LAB_CONTENT'
}

/** Throws LabContentError listing every problem found in a lab's content. */
export function validateLab(lab: LabSpec, actions: Record<string, ActionSpec>): void {
  const problems: string[] = []
  const parsed = LabContent.safeParse(lab)
  if (!parsed.success) {
    for (const i of parsed.error.issues) problems.push(`${i.path.join('.')}: ${i.message}`)
  }
  const demos = new Set(lab.demos.map((d) => d.id))
  for (const q of lab.questions) if (!demos.has(q.demo)) problems.push(`question ${q.id} names an unknown demo ${q.demo}`)
  const calls = [
    ...(lab.classAction ? [{ where: 'classAction', call: lab.classAction }] : []),
    ...lab.walkthrough.flatMap((s) => (s.run ?? []).map((call) => ({ where: `walkthrough ${s.id}`, call }))),
    ...lab.demos.flatMap((d) => d.steps.flatMap((s) => ('do' in s ? [{ where: `demo ${d.id}`, call: s.do }] : []))),
  ]
  for (const { where, call } of calls) {
    const spec = Object.hasOwn(actions, call.action) ? actions[call.action] : undefined
    if (!spec) {
      problems.push(`${where} calls an unknown action ${call.action}`)
      continue
    }
    const ok = spec.params.strict().safeParse(call.params ?? {})
    if (!ok.success) problems.push(`${where}: ${call.action} ${JSON.stringify(call.params)}: ${ok.error.issues[0]?.message}`)
  }
  for (const { where, call } of controlCalls(lab.controls ?? [])) {
    const spec = Object.hasOwn(actions, call.action) ? actions[call.action] : undefined
    if (!spec) {
      problems.push(`${where} calls an unknown action ${call.action}`)
      continue
    }
    const ok = spec.params.strict().safeParse(call.params ?? {})
    if (!ok.success) problems.push(`${where}: ${call.action} ${JSON.stringify(call.params)}: ${ok.error.issues[0]?.message}`)
  }
  for (const action of Object.keys(lab.codeFor ?? {})) {
    if (!Object.hasOwn(actions, action)) problems.push(`codeFor names an unknown action ${action}`)
  }
  if (problems.length > 0) throw new LabContentError(`Lab ${lab.id} content is invalid:\n  ${problems.join('\n  ')}`)
}

/** The calls a lab's controls can make, with a sample value for each choice and both ends of each slider. */
function controlCalls(controls: ControlSpec[], user = 1): { where: string; call: Call }[] {
  const fill = (params: Record<string, unknown> = {}) =>
    Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v === '$user' ? user : v]))
  return controls.flatMap((c): { where: string; call: Call }[] => {
    switch (c.kind) {
      case 'user':
        return []
      case 'button':
        return [{ where: `control ${c.label}`, call: { action: c.action, params: fill(c.params) } }]
      case 'choice':
        return c.options.map((o) => ({
          where: `control ${c.label} = ${o.label}`,
          call: { action: c.action, params: { ...fill(c.params), [c.param]: o.value } },
        }))
      case 'slider':
        return [c.min, c.max].map((v) => ({
          where: `control ${c.label} = ${v}`,
          call: { action: c.action, params: { ...fill(c.params), [c.param]: v } },
        }))
      case 'group':
        return controlCalls(c.controls, user)
    }
  })
}
