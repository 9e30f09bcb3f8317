/** The event-driven lab's actions and the zod schemas of their parameters (server side; see actions.ts). */
import { z } from 'zod'
import { LIMITS } from '../limits'
import type { ActionSpec } from './actions'
import { commonActions, freeText } from './common'
import { EVENT_DRIVEN_LIMITS, PROPAGATION_MODES } from './event-driven'

const server = z.number().int().min(1).max(EVENT_DRIVEN_LIMITS.maxServers)
const userId = z.number().int().min(1).max(LIMITS.usersPerRoom)

export const eventDrivenActions = {
  read: {
    label: 'Read on a server',
    summary: 'One app server reads a user: its L1 cache, then Redis, then the database.',
    params: z.object({ server, userId }),
  },
  readAll: {
    label: 'Read on every server',
    summary: 'Every app server reads the user, so each holds an L1 copy (or serves a stale one).',
    params: z.object({ userId }),
  },
  write: {
    label: 'Write on a server',
    summary: "One app server updates the user in the database and propagates the change by the current mode.",
    params: z.object({ server, userId, name: freeText.optional() }),
  },
  setMode: {
    label: 'Propagation mode',
    summary: 'How a write on one server reaches the others: none, Pub/Sub, a stream, a transactional outbox, or Redis client tracking.',
    params: z.object({ mode: z.enum(PROPAGATION_MODES) }),
  },
  setServers: {
    label: 'App servers',
    summary: 'How many app servers run (each with its own Redis connection and L1 cache).',
    params: z.object({ count: z.number().int().min(2).max(EVENT_DRIVEN_LIMITS.maxServers) }),
  },
  setL1Ttl: {
    label: 'L1 TTL',
    summary: "How long an app server keeps a value in its L1 cache (the longest an unannounced change can stay hidden).",
    params: z.object({ seconds: z.number().int().min(1).max(EVENT_DRIVEN_LIMITS.maxL1TtlSeconds) }),
  },
  listener: {
    label: 'Listener up/down',
    summary: "Takes one server's subscriber or stream consumer down (or back up).",
    params: z.object({ server, up: z.boolean() }),
  },
  crashWriter: {
    label: 'Crash the next writer after its commit',
    summary: 'The next write commits to the database and its server dies before announcing it (the dual-write problem).',
    params: z.object({}),
  },
  crashConsumer: {
    label: "Crash a consumer before it acks",
    summary: "The server's stream consumer applies its next entry and dies before XACK; restarting it redelivers the entry.",
    params: z.object({ server }),
  },
  load: {
    label: 'Background load',
    summary: 'Reads spread over the servers (and a share of writes); rps 0 stops it.',
    params: z.object({
      rps: z.number().min(0).max(LIMITS.loadRps),
      users: z.number().int().min(1).max(LIMITS.loadUsers).default(3),
      writeRatio: z.number().min(0).max(0.5).default(0.1),
    }),
  },
  compare: {
    label: 'Compare all modes',
    summary: 'Runs the same scripted writes, a listener outage and a writer crash under every mode, and tabulates the outcome.',
    params: z.object({}),
  },
  ...commonActions,
} satisfies Record<string, ActionSpec>
