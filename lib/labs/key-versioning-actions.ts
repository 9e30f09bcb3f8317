/** Key versioning lab: actions and their parameter schemas (server side; see actions.ts). */
import { z } from 'zod'
import { LIMITS } from '../limits'
import type { ActionSpec } from './actions'
import { commonActions } from './common'
import { MAX_VERSION } from './key-versioning'

const userId = z.number().int().min(1).max(LIMITS.usersPerRoom)

export const versioningActions = {
  read: {
    label: 'Read user',
    summary:
      'Cache-aside read of v<current>:user:<id> (the user and their posts); a miss reads the database and caches it under the current version.',
    params: z.object({ userId }),
  },
  update: {
    label: 'Update in DB',
    summary: "Updates the user's row (its version goes up by one) without touching the cache.",
    params: z.object({ userId }),
  },
  fill: {
    label: 'Fill users',
    summary: 'Caches users 1..users (with their posts, one SQL query) under the current version, with the current TTL.',
    params: z.object({ users: z.number().int().min(1).max(LIMITS.usersPerRoom) }),
  },
  bump: {
    label: 'Bump version',
    summary: 'Switches reads and writes to the next version; the old generation is left to its TTLs.',
    params: z.object({}),
  },
  setTtl: {
    label: 'TTL for new keys',
    summary: 'The TTL (seconds) of keys cached from now on; null caches without a TTL.',
    params: z.object({ seconds: z.number().int().min(1).max(3600).nullable() }),
  },
  load: {
    label: 'Read load',
    summary: 'A repeating read load over users 1..users under the current version; rps 0 stops it.',
    params: z.object({
      rps: z.number().min(0).max(LIMITS.loadRps),
      users: z.number().int().min(1).max(LIMITS.usersPerRoom).default(20),
    }),
  },
  sweep: {
    label: 'Sweep old generations',
    summary:
      'Deletes a generation (all of them older than the current one when no version is given) with a SCAN MATCH v<n>:* loop and UNLINK.',
    params: z.object({ version: z.number().int().min(1).max(MAX_VERSION).optional() }),
  },
  measure: {
    label: 'Measure memory',
    summary:
      "Measures every generation now (MEMORY USAGE per key, summed, and INFO memory's used_memory) and records the figures.",
    params: z.object({}),
  },
  ...commonActions,
} satisfies Record<string, ActionSpec>
