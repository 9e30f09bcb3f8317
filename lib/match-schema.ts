/** zod schemas for matchers and checks (match.ts), used where lab content is validated: server and tests. */
import { z } from 'zod'
import { KINDS, Lane, Source, type Kind } from './events'
import type * as M from './match'

const KindEnum = z.enum(KINDS as [Kind, ...Kind[]])
const Scalar = z.union([z.string(), z.number(), z.boolean()])

export const EventMatcher = z.object({
  kind: z.union([KindEnum, z.array(KindEnum).min(1)]),
  lane: Lane.optional(),
  key: z.string().optional(),
  src: Source.optional(),
  node: z.string().max(32).optional(),
  data: z.record(z.string(), Scalar).optional(),
}) satisfies z.ZodType<M.EventMatcher>

export const Measure = z.object({
  match: EventMatcher,
  phase: z.string().optional(),
  of: z.enum(['count', 'maxStaleMs', 'max', 'median', 'sum']).default('count'),
  field: z.string().optional(),
}) satisfies z.ZodType<M.Measure>

export const Check = z.union([
  z.object({ text: z.string(), measure: Measure, min: z.number().optional(), max: z.number().optional() }),
  z.object({ text: z.string(), left: Measure, op: z.enum(['lt', 'gt']), right: Measure }),
]) satisfies z.ZodType<M.Check>
