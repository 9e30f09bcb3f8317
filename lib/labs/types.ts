/**
 * What a lab is, as plain data: its guided walkthrough, the interview questions it answers and the demos
 * that prove them, and the engine source files its code panel shows. Types only, no validator, so the
 * browser gets the content without zod; schema.ts validates it on the server (and in the tests), and
 * actions.ts holds each lab's action schemas.
 */
import type { Check, EventMatcher } from '../match'

/** A call of one of a lab's actions, as a walkthrough step or a demo performs it. */
export interface ActionCall {
  action: string
  params?: Record<string, unknown>
}

/** Regions of the lab page a step can point at (`panels`: the lab's own panels, components/labs). */
export type Region = 'controls' | 'timeline' | 'inspector' | 'charts' | 'code' | 'room' | 'panels'

export interface WalkthroughStep {
  id: string
  title: string
  /** The explanation, in short paragraphs separated by blank lines; `backticks` mark code. */
  body: string
  /** What the learner is asked to do; the "Do it for me" button performs `run` instead. */
  task?: string
  run?: ActionCall[]
  look?: Region
  /** The step is done when an event like this arrives after the step began. */
  done?: EventMatcher
  /** A step that needs something outside the browser (redis-cli) can be skipped. */
  optional?: boolean
}

export type DemoStep =
  | { say: string }
  | { do: ActionCall }
  | { waitFor: EventMatcher; timeoutMs: number }
  | { sleepMs: number }
  /** Starts a named phase; checks can measure only the events of one phase. */
  | { phase: string }

export interface Demo {
  id: string
  title: string
  steps: DemoStep[]
  checks: Check[]
}

export interface Question {
  id: string
  question: string
  /** Short enough to say aloud. */
  answer: string
  tradeoff: string
  /** The demo that proves the answer. */
  demo: string
}

/**
 * A lab's controls as data, drawn by components/lab-controls.tsx. A `params` value of '$user' is replaced by
 * the user id the learner picked; `state` names the field of the lab's published settings (dot path) that
 * holds a control's current value.
 */
export type ControlSpec =
  | { kind: 'user'; label?: string }
  | {
      kind: 'button'
      label: string
      action: string
      params?: Record<string, unknown>
      variant?: 'primary' | 'secondary' | 'danger'
      title?: string
    }
  | {
      kind: 'choice'
      label: string
      action: string
      param: string
      state: string
      options: { value: string | number | boolean | null; label: string; title?: string }[]
      /** Other parameters sent with the choice. */
      params?: Record<string, unknown>
    }
  | {
      kind: 'slider'
      label: string
      action: string
      param: string
      state: string
      min: number
      max: number
      step?: number
      unit?: string
      params?: Record<string, unknown>
    }
  | { kind: 'group'; label: string; controls: ControlSpec[]; note?: string }

export interface LabSpec {
  id: string
  title: string
  /** One line for the home page. */
  tagline: string
  /** A paragraph that opens the lab page. */
  intro: string
  walkthrough: WalkthroughStep[]
  questions: Question[]
  demos: Demo[]
  /** Repository paths of the engine code this lab runs, shown in its code panel. */
  sources: string[]
  /** Which exported function of the sources each action runs, so the code panel can point at it. */
  codeFor?: Record<string, string>
  /** The controls panel, as data (a lab may instead have its own component in components/labs). */
  controls?: ControlSpec[]
  /** In a classroom, what one participant's press of Fire runs (several times over). */
  classAction?: ActionCall
}
