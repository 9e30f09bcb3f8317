/**
 * Classroom sessions as the browser and the server both see them: what everyone's screen follows, whether
 * participants may fire requests, the prediction poll, and ready-made polls per lab whose outcome the
 * engine measures (a metric's change between the poll closing and the result being shown).
 */
import type { MetricsSnapshot } from './protocol'

/** `watch`: participants follow; `fire`: each participant's press sends real requests into the lab. */
export type Participation = 'watch' | 'fire'

/** A room metric a poll can measure (its change while the demo runs). */
export type PollMetric = 'dbQueries' | 'staleReads' | 'misses' | 'hits'

export interface PollOption {
  label: string
  /** For a measured poll: the range of the metric's change this option predicts (inclusive). */
  min?: number
  max?: number
}

export interface Poll {
  id: string
  question: string
  options: PollOption[]
  metric: PollMetric | null
  open: boolean
  /** The metric's value when the poll closed, the start of the measurement. */
  baseline: number | null
  /** Shown once the host reveals it: the measured change and the option it falls in. */
  outcome: { value: number; option: number | null } | null
  /** Answers per option (kept current while the poll is open). */
  tally: number[]
}

export interface SessionState {
  code: string
  room: string
  lab: string
  /** The walkthrough step everyone's screen shows. */
  step: number
  participation: Participation
  poll: Poll | null
  endedAt: number | null
}

export interface Presence {
  count: number
  names: string[]
}

/** A poll the host can open in one click, for a lab. */
export interface PollTemplate {
  question: string
  options: PollOption[]
  metric: PollMetric | null
}

const queries = (question: string): PollTemplate => ({
  question,
  metric: 'dbQueries',
  options: [
    { label: 'none', min: 0, max: 0 },
    { label: '1', min: 1, max: 1 },
    { label: '2 – 10', min: 2, max: 10 },
    { label: '11 – 100', min: 11, max: 100 },
    { label: 'more than 100', min: 101 },
  ],
})

export const POLL_TEMPLATES: Record<string, PollTemplate[]> = {
  ttl: [
    {
      question: 'We update user 1 in the database and read it again. What does the cache serve?',
      metric: 'staleReads',
      options: [
        { label: 'The new version (no stale read)', min: 0, max: 0 },
        { label: 'The old version (a stale read)', min: 1 },
      ],
    },
    queries('Everyone fires reads of user 1 while it is cached. How many database queries?'),
  ],
  stampede: [queries('A burst of 1000 reads hits an expired key with no protection. How many database queries?')],
  'event-driven': [
    {
      question: "app3's subscriber is down while user 1 is written. After it comes back, what does app3 serve?",
      metric: 'staleReads',
      options: [
        { label: 'The new version', min: 0, max: 0 },
        { label: 'The old version', min: 1 },
      ],
    },
  ],
}

export const GENERIC_POLLS: PollTemplate[] = [queries('How many database queries will this make?')]

/** Which option a measured change falls in; null if none does. */
export function optionFor(options: readonly PollOption[], value: number): number | null {
  const i = options.findIndex((o) => (o.min === undefined || value >= o.min) && (o.max === undefined || value <= o.max))
  return i < 0 ? null : i
}

export function metricValue(m: MetricsSnapshot, metric: PollMetric): number {
  return m[metric]
}

/** Join codes use letters and digits nobody confuses (no 0/O, 1/I/L): 31^6 ≈ 887 million codes. */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'
export const CODE_LENGTH = 6
export const CODE_PATTERN = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`)

/** Codes are typed by people: upper-case them, drop spaces and dashes. */
export function normaliseCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '')
}

/** Codes are shown in two halves: `KQ7-M3X`. */
export function formatCode(code: string): string {
  return code.length === 6 ? `${code.slice(0, 3)}-${code.slice(3)}` : code
}
