/** Actions every lab offers: database latency, reset, and running one of its demos. */
import { z } from 'zod'
import { LIMITS } from '../limits'
import { textSchema } from '../text'
import type { ActionSpec } from './actions'

/** Text a learner types (a user's new name): the rules every typed text follows (lib/text.ts). */
export const freeText = textSchema({ what: 'Text', max: LIMITS.textLength })

export const commonActions = {
  dbLatency: {
    label: 'Database latency',
    summary: 'Adds this much artificial latency (plus random jitter) to every database query in the room.',
    params: z.object({
      ms: z.number().int().min(0).max(LIMITS.dbLatencyMs),
      jitterMs: z.number().int().min(0).max(LIMITS.dbJitterMs).default(0),
    }),
  },
  reset: {
    label: 'Reset lab',
    summary: "Stops the load, empties the room's cache, restores its database rows and default settings.",
    params: z.object({}),
  },
  fault: {
    label: 'Inject a fault',
    summary:
      'Makes the next database write fail (the database aborts it) or the next cache write fail (sent on a connection that is down); times 0 disarms.',
    params: z.object({ target: z.enum(['db-write', 'cache-write']), times: z.number().int().min(0).max(10).default(1) }),
  },
  demo: {
    label: 'Show me',
    summary: 'Runs one of the demos that prove an interview answer, step by step, on the timeline.',
    params: z.object({ id: z.string().min(1).max(64) }),
  },
} satisfies Record<string, ActionSpec>
