/** Cache warming lab: actions and their parameter schemas (server side; see actions.ts). */
import { z } from 'zod'
import { LIMITS } from '../limits'
import type { ActionSpec } from './actions'
import { WARMING } from './cache-warming'
import { commonActions } from './common'

const postId = z.number().int().min(1).max(LIMITS.usersPerRoom * LIMITS.postsPerUser)

export const warmingActions = {
  run: {
    label: 'Run the load',
    summary:
      "Empties the room's cache, warms it first if warm is true (popular users and the top posts, one pipeline), then replays the seeded Zipf read load and records the hit ratio second by second.",
    params: z.object({
      warm: z.boolean(),
      rps: z.number().int().min(WARMING.minRps).max(WARMING.maxRps).default(WARMING.defaultRps),
      seconds: z.number().int().min(WARMING.minSeconds).max(WARMING.maxSeconds).default(WARMING.defaultSeconds),
      seed: z.number().int().min(0).max(1_000_000).default(WARMING.defaultSeed),
    }),
  },
  read: {
    label: 'Read',
    summary: 'One cache-aside read of user:<id> or post:<id>; without an id, a key drawn from the Zipf load.',
    params: z.object({
      entity: z.enum(['user', 'post']).optional(),
      id: z.number().int().min(1).max(LIMITS.usersPerRoom * LIMITS.postsPerUser).optional(),
    }),
  },
  setTopN: {
    label: 'Posts to warm',
    summary: 'How many of the most liked posts count as trending: warmed on startup and refreshed by the schedule.',
    params: z.object({ n: z.number().int().min(1).max(WARMING.maxTopN) }),
  },
  setTtl: {
    label: 'TTL',
    summary: 'The TTL (seconds) of every key the lab caches, warmed or filled on a miss.',
    params: z.object({ seconds: z.number().int().min(1).max(WARMING.maxTtlSeconds) }),
  },
  schedule: {
    label: 'Scheduled warming',
    summary: `Turns the scheduled refresh of the trending posts on, every intervalSeconds (${WARMING.minIntervalSeconds}–${WARMING.maxIntervalSeconds} s), or off (on: false, or intervalSeconds: null).`,
    params: z.object({
      on: z.boolean().optional(),
      intervalSeconds: z
        .number()
        .int()
        .min(WARMING.minIntervalSeconds)
        .max(WARMING.maxIntervalSeconds)
        .nullable()
        .default(WARMING.defaultIntervalSeconds),
    }),
  },
  refresh: {
    label: 'Refresh now',
    summary: 'Runs the scheduled refresh once, now: the trending posts read from the database and SET again.',
    params: z.object({}),
  },
  boost: {
    label: 'Boost a post',
    summary:
      'Adds likes to a post in the database (by default the least liked post gets enough to top the list); the cache is not told.',
    params: z.object({ postId: postId.optional(), likes: z.number().int().min(1).max(100_000).optional() }),
  },
  ...commonActions,
} satisfies Record<string, ActionSpec>
