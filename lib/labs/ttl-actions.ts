/** The TTL lab's actions and the zod schemas of their parameters (server side; see actions.ts). */
import { z } from 'zod'
import { LIMITS } from '../limits'
import type { ActionSpec } from './actions'
import { commonActions, freeText } from './common'
import { DATA_CLASSES, type DataClass } from './ttl'

const DataClass = z.enum(Object.keys(DATA_CLASSES) as [DataClass, ...DataClass[]])
const userId = z.number().int().min(1).max(LIMITS.usersPerRoom)

export const ttlActions = {
  read: {
    label: 'Read user',
    summary: 'Cache-aside read: GET the key; on a miss query the database and SET it back with the TTL.',
    params: z.object({ userId }),
  },
  update: {
    label: 'Update in DB',
    summary: "Updates the user's row (its version goes up by one) without touching the cache.",
    params: z.object({ userId, name: freeText.optional() }),
  },
  expire: {
    label: 'Expire now',
    summary: "Gives the key a 1 ms TTL, so Redis itself expires it and reports the expiry.",
    params: z.object({ userId }),
  },
  setTtl: {
    label: 'Set TTL',
    summary: 'Uses this TTL (seconds) for the next writes to the cache; null caches without a TTL.',
    params: z.object({ seconds: z.number().int().min(1).max(LIMITS.ttlSeconds).nullable() }),
  },
  setDataClass: {
    label: 'Data class',
    summary: "Picks the TTL for the class of data being cached (hot, warm, cold, config), scaled to seconds.",
    params: z.object({ dataClass: DataClass }),
  },
  load: {
    label: 'Background load',
    summary: 'A small repeating load of reads (and a share of updates) over a few users; rps 0 stops it.',
    params: z.object({
      rps: z.number().min(0).max(LIMITS.loadRps),
      users: z.number().int().min(1).max(LIMITS.loadUsers).default(5),
      writeRatio: z.number().min(0).max(0.5).default(0.05),
    }),
  },
  ...commonActions,
} satisfies Record<string, ActionSpec>
