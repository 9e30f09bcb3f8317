/** Write-through lab: actions and their parameter schemas (server side; see actions.ts). */
import { z } from 'zod'
import { LIMITS } from '../limits'
import type { ActionSpec } from './actions'
import { commonActions, freeText } from './common'
import { WT_TTL } from './write-through'

const userId = z.number().int().min(1).max(LIMITS.usersPerRoom)
const write = z.object({ userId, name: freeText.optional() })

export const writeThroughActions = {
  read: {
    label: 'Read profile',
    summary: "Cache-aside read of user:<id>:profile: GET; on a miss query the user and their posts and SET the profile with the TTL.",
    params: z.object({ userId }),
  },
  writeThrough: {
    label: 'Write through',
    summary: 'Renames the user: UPDATE the row, rebuild the profile (query the posts), SET it with the TTL, then answer.',
    params: write,
  },
  deleteOnWrite: {
    label: 'Write with delete',
    summary: 'The same rename with delete on write, for comparison: UPDATE the row, then DEL the profile.',
    params: write,
  },
  setTtl: {
    label: 'TTL',
    summary: 'The TTL (seconds) of the profiles stored from now on; null stores them without one.',
    params: z.object({ seconds: z.number().int().min(WT_TTL.min).max(WT_TTL.max).nullable() }),
  },
  ...commonActions,
} satisfies Record<string, ActionSpec>
