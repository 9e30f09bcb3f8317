/** Delete vs update on write lab: actions and their parameter schemas (server side; see actions.ts). */
import { z } from 'zod'
import { LIMITS } from '../limits'
import type { ActionSpec } from './actions'
import { commonActions, freeText } from './common'
import { BURST, DVU_TTL } from './delete-vs-update'

const userId = z.number().int().min(1).max(LIMITS.usersPerRoom)
const name = freeText.optional()
const write = z.object({ userId, name })

export const deleteVsUpdateActions = {
  read: {
    label: 'Read user',
    summary: 'Cache-aside read: GET the key; on a miss query the database and SET the row back with the TTL.',
    params: z.object({ userId }),
  },
  write: {
    label: 'Write user',
    summary: "Renames the user with the lab's strategy (delete or update on write) in the lab's order (DB first or cache first).",
    params: write,
  },
  deleteOnWrite: {
    label: 'Write, delete on write',
    summary: "Renames the user, then deletes the cached key (in the lab's order), whatever strategy is selected.",
    params: write,
  },
  updateOnWrite: {
    label: 'Write, update on write',
    summary: "Renames the user, then stores the new row in the cache with the TTL (in the lab's order), whatever strategy is selected.",
    params: write,
  },
  setStrategy: {
    label: 'Cache step',
    summary: 'What a write does to the cache: delete the key, or store the new value with the TTL.',
    params: z.object({ strategy: z.enum(['delete', 'update']) }),
  },
  setOrder: {
    label: 'Order',
    summary: 'db-first touches the cache only after the database commits (right); cache-first runs the cache step before the database write (wrong).',
    params: z.object({ order: z.enum(['db-first', 'cache-first']) }),
  },
  setTtl: {
    label: 'TTL',
    summary: 'The TTL (seconds) of every value this lab caches, from the next SET on.',
    params: z.object({ seconds: z.number().int().min(DVU_TTL.min).max(DVU_TTL.max) }),
  },
  burst: {
    label: 'Write-heavy burst',
    summary: 'Sends `ops` requests to users 1..`users` in turn with the selected strategy (each user\'s in order, users in parallel); every round(1 / readRatio)-th request is a read, the rest writes.',
    params: z.object({
      ops: z.number().int().min(1).max(BURST.maxOps).default(BURST.ops),
      users: z.number().int().min(1).max(BURST.maxUsers).default(BURST.users),
      readRatio: z.number().min(0).max(0.5).default(BURST.readRatio),
    }),
  },
  ...commonActions,
} satisfies Record<string, ActionSpec>
