/** Best practices lab: actions and their parameter schemas (server side; see actions.ts). */
import { z } from 'zod'
import { LIMITS } from '../limits'
import type { ActionSpec } from './actions'
import { COMBINED_FAULTS, REDIS_MODES } from './best-practices'
import { commonActions } from './common'

const userId = z.number().int().min(1).max(LIMITS.usersPerRoom)
const server = z.number().int().min(1).max(2).default(1)

export const bestPracticesActions = {
  read: {
    label: 'Read user',
    summary:
      'Cache-aside read of user:<id> on app server 1 or 2 with the current TTL; when Redis fails the database answers and nothing is cached.',
    params: z.object({ userId, server }),
  },
  write: {
    label: 'Write user',
    summary:
      'Renames the user in the database, then deletes user:<id>; a failed delete is logged and counted and the write still succeeds, a failed commit deletes nothing.',
    params: z.object({ userId, server }),
  },
  redis: {
    label: 'Redis for this room',
    summary:
      "Makes this room's app servers' Redis connections work (up), fail at once (refused) or get no answers (frozen); Redis keeps serving everyone else.",
    params: z.object({ mode: z.enum(REDIS_MODES) }),
  },
  dbFailing: {
    label: 'Database failing',
    summary: "While on, every statement of this room's database fails (the database itself refuses it).",
    params: z.object({ on: z.boolean() }),
  },
  setTtl: {
    label: 'TTL for user keys',
    summary: 'The TTL (seconds) reads store user keys with; null stores them without one.',
    params: z.object({ seconds: z.number().int().min(1).max(3600).nullable() }),
  },
  load: {
    label: 'Load',
    summary:
      'A repeating load of reads and writes over users 1–10, alternating between the two app servers; rps 0 stops it.',
    params: z.object({ rps: z.number().min(0).max(LIMITS.loadRps), writeRatio: z.number().min(0).max(1).default(0.2) }),
  },
  missed: {
    label: 'Miss an invalidation',
    summary:
      'Caches user 1 with a 5 s TTL and user 2 without one, then updates both rows without invalidating either key, and reads both.',
    params: z.object({}),
  },
  readArms: {
    label: 'Read both',
    summary: 'Reads user 1 (cached with a 5 s TTL) and user 2 (cached without one).',
    params: z.object({}),
  },
  churn: {
    label: 'Post reads',
    summary:
      'Reads random posts (1–500) into two arms, ttl:post:<id> with a 5 s TTL and nottl:post:<id> without; rps 0 stops.',
    params: z.object({ rps: z.number().min(0).max(LIMITS.loadRps) }),
  },
  measure: {
    label: 'Measure the keyspace',
    summary:
      "Measures both arms now (MEMORY USAGE and PTTL of every post key, INFO memory's used_memory) and records the figures.",
    params: z.object({}),
  },
  combine: {
    label: 'Run the combined strategy',
    summary:
      'Write-through plus a Pub/Sub event plus TTLs, with one fault: both servers read user 3, app1 writes it, both read for 8 s; returns stale reads and which layer ended them.',
    params: z.object({ fault: z.enum(COMBINED_FAULTS) }),
  },
  combineAll: {
    label: 'Run all faults',
    summary:
      'Runs the combined strategy once with each fault in turn (about 45 s); detach answers at once and lets the runs go on, each row published as it ends.',
    params: z.object({ detach: z.boolean().default(false) }),
  },
  ...commonActions,
} satisfies Record<string, ActionSpec>
