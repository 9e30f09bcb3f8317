/**
 * What a lab is, as data: its actions (with zod schemas for their parameters, shared by the HTTP API, the
 * socket and the UI), its guided walkthrough, the interview questions it answers and the demos that prove
 * them, and the engine source files its code panel shows.
 */
import { z } from 'zod'
import { Check, EventMatcher } from '../match'

export interface ActionSpec<P extends z.ZodObject = z.ZodObject> {
  label: string
  /** One sentence on what it does, shown as a tooltip and in the API catalogue. */
  summary: string
  params: P
}

/** A call of one of a lab's actions, as a walkthrough step or a demo performs it. */
export const ActionCall = z.object({
  action: z.string(),
  params: z.record(z.string(), z.unknown()).default({}),
})
export type ActionCall = z.input<typeof ActionCall>

/** Regions of the lab page a step can point at. */
export const Region = z.enum(['controls', 'timeline', 'inspector', 'charts', 'code', 'room'])
export type Region = z.infer<typeof Region>

export const WalkthroughStep = z.object({
  id: z.string(),
  title: z.string(),
  /** The explanation, in short paragraphs separated by blank lines; `backticks` mark code. */
  body: z.string(),
  /** What the learner is asked to do; the "Do it for me" button performs `run` instead. */
  task: z.string().optional(),
  run: z.array(ActionCall).optional(),
  look: Region.optional(),
  /** The step is done when an event like this arrives after the step began. */
  done: EventMatcher.optional(),
  /** A step that needs something outside the browser (redis-cli) can be skipped. */
  optional: z.boolean().optional(),
})
export type WalkthroughStep = z.infer<typeof WalkthroughStep>

export const DemoStep = z.union([
  z.object({ say: z.string() }),
  z.object({ do: ActionCall }),
  z.object({ waitFor: EventMatcher, timeoutMs: z.number().int().positive().max(120_000) }),
  z.object({ sleepMs: z.number().int().positive().max(60_000) }),
  /** Starts a named phase; checks can measure only the events of one phase. */
  z.object({ phase: z.string() }),
])
export type DemoStep = z.infer<typeof DemoStep>

export const Demo = z.object({
  id: z.string(),
  title: z.string(),
  steps: z.array(DemoStep).min(1),
  checks: z.array(Check).min(1),
})
export type Demo = z.infer<typeof Demo>

export const Question = z.object({
  id: z.string(),
  question: z.string(),
  /** Short enough to say aloud. */
  answer: z.string(),
  tradeoff: z.string(),
  demo: z.string(),
})
export type Question = z.infer<typeof Question>

/** A lab as written: content in its input form (defaults may be left out). */
export interface LabSpecInput {
  id: string
  title: string
  /** One line for the home page. */
  tagline: string
  /** A paragraph that opens the lab page. */
  intro: string
  actions: Record<string, ActionSpec>
  walkthrough: z.input<typeof WalkthroughStep>[]
  questions: z.input<typeof Question>[]
  demos: z.input<typeof Demo>[]
  /** Repository paths of the engine code this lab runs, shown in its code panel. */
  sources: string[]
  /** Which exported function of the sources each action runs, so the code panel can point at it. */
  codeFor?: Record<string, string>
}

/** A lab after its content was validated (and defaults filled in). */
export interface LabSpec extends Omit<LabSpecInput, 'walkthrough' | 'questions' | 'demos'> {
  walkthrough: WalkthroughStep[]
  questions: Question[]
  demos: Demo[]
}

const LabContent = z.object({
  walkthrough: z.array(WalkthroughStep).min(1),
  questions: z.array(Question).min(1),
  demos: z.array(Demo).min(1),
})

/**
 * Validates a lab's content when the module loads, so a malformed walkthrough or demo fails at start (and in
 * the unit tests), never in front of a learner. Every question must name one of the lab's demos.
 */
export function defineLab(input: LabSpecInput): LabSpec {
  const content = LabContent.parse(input)
  const demoIds = new Set(content.demos.map((d) => d.id))
  for (const q of content.questions) {
    if (!demoIds.has(q.demo)) throw new Error(`lab ${input.id}: question ${q.id} names an unknown demo ${q.demo}`)
  }
  return { ...input, ...content }
}
