/** Stampede lab: actions and their parameter schemas (server side; see actions.ts). */
import { z } from 'zod'
import type { ActionSpec } from './actions'
import { commonActions } from './common'
import { STAMPEDE_LIMITS } from './stampede'
import { STRATEGIES } from './stampede-math'

const L = STAMPEDE_LIMITS
const strategy = z.enum(STRATEGIES)

/** A burst's shape; every field defaults to the lab's current burst settings. */
const burstShape = {
  n: z.number().int().min(1).max(L.burstRequests).optional(),
  rampMs: z.number().int().min(0).max(L.rampMs).optional(),
  keys: z.number().int().min(1).max(L.keys).optional(),
  distribution: z.enum(['uniform', 'zipf']).optional(),
  start: z.enum(['expired', 'expiring', 'as-is']).optional(),
  expireInMs: z.number().int().min(0).max(L.rampMs).optional(),
}

export const stampedeActions = {
  ...commonActions,
  burst: {
    label: 'Fire burst',
    summary:
      'Fires N concurrent reads (up to 5000) at the key(s) with a strategy, all at once or ramped, after putting the keys in the starting state (expired, about to expire, or as they are). Answers with the totals when it is done.',
    params: z.object({ strategy: strategy.optional(), ...burstShape }),
  },
  compare: {
    label: 'Run every strategy on the same burst',
    summary:
      'Runs the same burst with each strategy in turn, from the same starting state, and answers with one row per strategy.',
    params: z.object({ strategies: z.array(strategy).min(1).max(STRATEGIES.length).optional(), ...burstShape }),
  },
  read: {
    label: 'Read',
    summary: 'One read of user 1 with the current strategy, drawn in full on the timeline (what a class fires).',
    params: z.object({ userId: z.number().int().min(1).max(L.keys).default(1) }),
  },
  settings: {
    label: 'Settings',
    summary:
      'Changes the strategy, the number of app servers, TTLs, the lock/lease TTL, the longest wait, XFetch β, whether lease waiters take the stale value, and the default burst.',
    params: z.object({
      strategy: strategy.optional(),
      servers: z.number().int().min(1).max(L.servers).optional(),
      ttlMs: z.number().int().min(100).max(L.ttlMs).optional(),
      softTtlMs: z.number().int().min(50).max(L.ttlMs).optional(),
      lockTtlMs: z.number().int().min(50).max(L.lockTtlMs).optional(),
      maxWaitMs: z.number().int().min(50).max(L.maxWaitMs).optional(),
      beta: z.number().min(0).max(L.beta).optional(),
      leaseServesStale: z.boolean().optional(),
      lockWait: z.enum(['backoff', 'notify']).optional(),
      ...burstShape,
    }),
  },
  killHolder: {
    label: 'Lock holder dies',
    summary:
      'Arms a fault: the next request that takes the lock (or lease) dies holding it, so its TTL has to free the key; times 0 disarms.',
    params: z.object({ times: z.number().int().min(0).max(1).default(1) }),
  },
} satisfies Record<string, ActionSpec>
