/** Pattern invalidation lab: actions and their parameter schemas (server side; see actions.ts). */
import { z } from 'zod'
import { LIMITS } from '../limits'
import type { ActionSpec } from './actions'
import { commonActions } from './common'
import { FILL_SIZES, MAX_PAGES, PATTERN_LIMITS, type ScanMode } from './pattern-invalidation'

const userId = z.number().int().min(1).max(LIMITS.usersPerRoom)
const ScanMode = z.enum(['delete', 'collect', 'resize', 'sscan'] satisfies ScanMode[])

export const patternActions = {
  fill: {
    label: 'Fill the room',
    summary:
      "Replaces the room's cache with the user's keys (profile, posts, friends, `pages` feed pages, tag set) and about `others` keys of other users and posts, all built from SQL and written in pipelined batches with a 1 hour TTL. Either left out keeps the last fill's (at first 5,000 others and 20 pages).",
    params: z.object({
      userId,
      others: z.literal(FILL_SIZES).optional(),
      pages: z.number().int().min(1).max(MAX_PAGES).optional(),
    }),
  },
  bulk: {
    label: "Other apps' keys",
    summary: `Adds ${PATTERN_LIMITS.bulkKeys.toLocaleString('en')} plain keys outside the room (TTL ${PATTERN_LIMITS.bulkTtlSeconds} s), a large keyspace for KEYS and SCAN to walk; 0 removes them.`,
    params: z.object({ keys: z.literal([0, PATTERN_LIMITS.bulkKeys]) }),
  },
  setCount: {
    label: 'SCAN COUNT',
    summary: 'The COUNT the next SCAN calls use (it may change in the middle of a loop).',
    params: z.object({ count: z.number().int().min(1).max(1000) }),
  },
  scanStart: {
    label: 'New SCAN loop',
    summary:
      "Starts a loop over user:<id>:* at cursor 0: `delete` unlinks each call's keys at once, `collect` gathers them in a Set and unlinks them at the end, `resize` also makes Redis grow and shrink its key table between calls, `sscan` walks the user's tag set with SSCAN instead, growing and shrinking the set between calls.",
    params: z.object({ userId, mode: ScanMode.default('delete') }),
  },
  scanStep: {
    label: 'Step',
    summary:
      "One SCAN call from the loop's cursor (starting a loop if there is none, or a new one after the last ended).",
    params: z.object({}),
  },
  scanRun: {
    label: 'Run to the end',
    summary: `SCAN calls until the cursor is 0, at most ${PATTERN_LIMITS.runMaxCalls.toLocaleString('en')} per request.`,
    params: z.object({}),
  },
  keys: {
    label: 'KEYS + UNLINK',
    summary: `KEYS user:<id>:* and UNLINK what it returns, timing another client meanwhile. Refused above ${PATTERN_LIMITS.keysMaxDbsize.toLocaleString('en')} keys in Redis, and more often than once every ${PATTERN_LIMITS.keysCooldownMs / 1000} s per room.`,
    params: z.object({ userId }),
  },
  tag: {
    label: 'Invalidate by tag set',
    summary:
      'SMEMBERS user:<id>:keys, then a Lua script that unlinks those keys and removes them from the set atomically.',
    params: z.object({ userId }),
  },
  read: {
    label: 'Read profile',
    summary:
      'Cache-aside read of user:<id>:profile; a miss caches the row and registers the key in the tag set (one MULTI).',
    params: z.object({ userId }),
  },
  update: {
    label: 'Update in DB',
    summary: "Updates the user's row (its version goes up by one) without touching the cache.",
    params: z.object({ userId }),
  },
  ...commonActions,
} satisfies Record<string, ActionSpec>
