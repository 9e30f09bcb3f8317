/**
 * The pattern-invalidation lab: deleting every key a user owns. The SCAN MATCH COUNT cursor loop, one call
 * at a time; KEYS and why it is dangerous; and a tag set that needs no scan at all. Content and the shapes
 * the engine publishes; the action schemas are in pattern-invalidation-actions.ts, the engine's side in
 * server/engine/labs/pattern-invalidation.ts and its strategies in server/engine/strategies/.
 */
import type { LabSpec } from './types'

/** Bounds that keep the lab from hurting the Redis it runs on (the UI quotes them). */
export const PATTERN_LIMITS = {
  /** KEYS is refused when the database holds more keys than this. */
  keysMaxDbsize: 300_000,
  /** Per room, at least this long between two KEYS. */
  keysCooldownMs: 5_000,
  /** SCAN calls one "Run to the end" makes at most (press again to go on). */
  runMaxCalls: 5_000,
  /** Temporary keys one resize may add; above it the lab does not resize and says why. */
  churnMaxKeys: 25_000,
  /** Resizes one loop makes at most. */
  resizeMaxCycles: 25,
  /** Other applications' keys the lab can add (outside the room, with a TTL). */
  bulkKeys: 100_000,
  bulkTtlSeconds: 300,
  /** Fills and bulk keys are refused if the database would hold more than this. */
  dbsizeCeiling: 290_000,
  /** TTL of the keys a fill writes (an hour, the usual TTL for user data). */
  fillTtlSeconds: 3_600,
}

/** How many other keys a fill can put in the room beside the chosen user's. */
export const FILL_SIZES = [0, 2_000, 5_000, 10_000] as const
export const SCAN_COUNTS = [10, 100, 1_000] as const
/**
 * The `during` of the probe event that says how long one KEYS call held Redis, by Redis's own count (INFO
 * commandstats): no client of the server was served for that long.
 */
export const KEYS_BY_REDIS = "KEYS, by Redis's own clock"
/** Its companion for a SCAN loop: how long one SCAN call held Redis on average while the loop ran. */
export const SCAN_BY_REDIS = "a SCAN call, by Redis's own clock (mean)"

/** Feed pages the chosen user owns by default: with profile, posts, friends and the tag set, 24 keys. */
export const DEFAULT_PAGES = 20
export const MAX_PAGES = 99

export type ScanMode = 'delete' | 'collect' | 'resize' | 'sscan'

export const SCAN_MODES: Record<ScanMode, { label: string; title: string }> = {
  delete: { label: 'Delete as it goes', title: 'UNLINK the keys each call returns, right away' },
  collect: {
    label: 'Collect, then delete',
    title: 'Gather the keys in a Set (deduped) and UNLINK them once the cursor is 0',
  },
  resize: {
    label: 'Collect, resizing',
    title: 'As "collect", and make Redis grow and shrink its key table between calls, so a key can come back twice',
  },
  sscan: {
    label: 'Tag set (SSCAN), resizing',
    title:
      "Walk the user's tag set with SSCAN (the same cursor), growing and shrinking the set's own table between calls; collect, then delete",
  },
}

/** One SCAN call of the loop, as the SCAN panel's table shows it. */
export interface ScanRow {
  n: number
  cursor: string
  next: string
  count: number
  /** Keys the call looked at, in the whole database. */
  examined: number
  /** Keys it returned (they matched). */
  returned: number
  /** Returned keys the loop had not seen before. */
  fresh: number
  /** Returned keys the loop had already seen. */
  duplicates: number
  deleted: number
  ms: number
  /** How long a PING from another client took while the call ran. */
  probeMs: number | null
  note?: string
}

/** The loop the engine holds: where it is and what it has done. */
export interface ScanView {
  userId: number
  match: string
  /** The set an SSCAN loop walks (the user's tag set); absent for a SCAN of the keyspace. */
  set?: string
  mode: ScanMode
  cursor: string
  done: boolean
  calls: number
  examined: number
  returned: number
  /** Distinct keys returned. */
  unique: number
  duplicates: number
  deleted: number
  roundTrips: number
  ms: number
  probeMaxMs: number | null
  probeMedianMs: number | null
  resizes: number
  /** Why the loop did not resize, when it was asked to and could not. */
  resizeNote?: string
  /** The latest calls (the timeline has all of them). */
  rows: ScanRow[]
  droppedRows: number
  /** "Run to the end" stopped at its limit of calls before the cursor came back to 0. */
  capped?: boolean
}

/** One way of invalidating a user's keys, as the comparison table shows it. */
export interface MethodResult {
  userId: number
  deleted: number
  roundTrips: number
  ms: number
  /** The longest a PING from another client waited while it ran, and the typical (median) wait. */
  probeMaxMs: number | null
  probeMedianMs: number | null
  /** Keys in the database when it ran. */
  dbsize?: number
  note?: string
  at: number
}

export interface PatternLabState {
  /** The user the loop, KEYS and the tag set last worked on. */
  userId: number
  count: number
  mode: ScanMode
  fill: { userId: number; others: number; pages: number; keys: number; userKeys: number } | null
  /** Other applications' keys this room added. */
  bulk: number
  dbsize: number | null
  scan: ScanView | null
  results: { scan?: MethodResult; keys?: MethodResult; tag?: MethodResult }
  stats: { label: string; value: string | number; hint?: string; warn?: boolean }[]
  dbLatencyMs: number
  dbJitterMs: number
}

const fill = (others: number, pages = DEFAULT_PAGES) => ({ action: 'fill', params: { userId: 1, others, pages } })

export const patternLab: LabSpec = {
  id: 'pattern-invalidation',
  title: 'Pattern invalidation with SCAN',
  tagline:
    'Delete every key a user owns: the SCAN cursor loop step by step, why never KEYS, and a tag set that needs no scan.',
  intro:
    "A user's data is cached under many keys: a profile, a list of posts, friends, pages of a feed. When the user changes, all of them must go, and no code path knows every key by name. If the keys share a prefix, Redis can find them: SCAN walks the keyspace a few slots per call and hands back a cursor to continue from. This lab runs that loop one call at a time on a real Redis holding thousands of other keys, shows what each call looked at and returned, times another client while it runs, and compares it with KEYS (one call that stops the server) and with a tag set that lists the user's keys.",
  sources: [
    'server/engine/strategies/scan-invalidation.ts',
    'server/engine/strategies/tag-invalidation.ts',
    'server/engine/lua/unlink-tagged.lua',
    'server/engine/strategies/keys-invalidation.ts',
    'server/engine/strategies/keyspace-resize.ts',
    'server/engine/strategies/user-keys.ts',
    'server/engine/labs/pattern-invalidation.ts',
  ],
  codeFor: {
    scanStep: 'scanStep',
    scanRun: 'scanStep',
    scanStart: 'newIteration',
    keys: 'invalidateWithKeys',
    tag: 'invalidateByTag',
    read: 'readProfile',
    fill: 'fillRoom',
  },
  controls: [
    { kind: 'user', label: 'User' },
    {
      kind: 'group',
      label: 'Keyspace',
      controls: [
        {
          kind: 'choice',
          label: 'Other keys in the room',
          action: 'fill',
          param: 'others',
          state: 'fill.others',
          params: { userId: '$user' },
          options: FILL_SIZES.map((n) => ({
            value: n,
            label: n === 0 ? 'none' : n.toLocaleString('en'),
            title:
              n === 0
                ? "Only the user's keys"
                : `The user's keys among ${n.toLocaleString('en')} keys of other users and posts`,
          })),
        },
        {
          kind: 'choice',
          label: "The user's feed pages",
          action: 'fill',
          param: 'pages',
          state: 'fill.pages',
          params: { userId: '$user' },
          options: [
            {
              value: DEFAULT_PAGES,
              label: `${DEFAULT_PAGES} (24 keys)`,
              title: 'Profile, posts, friends, 20 feed pages and the tag set',
            },
            {
              value: MAX_PAGES,
              label: `${MAX_PAGES} (103 keys)`,
              title: 'Profile, posts, friends, 99 feed pages and the tag set',
            },
          ],
        },
        {
          kind: 'choice',
          label: "Other apps' keys in this Redis",
          action: 'bulk',
          param: 'keys',
          state: 'bulk',
          options: [
            { value: 0, label: 'none' },
            {
              value: PATTERN_LIMITS.bulkKeys,
              label: PATTERN_LIMITS.bulkKeys.toLocaleString('en'),
              title: `Adds ${PATTERN_LIMITS.bulkKeys.toLocaleString('en')} plain keys outside your room, gone after ${PATTERN_LIMITS.bulkTtlSeconds / 60} minutes: a large keyspace for KEYS to walk`,
            },
          ],
        },
      ],
      note: "A fill replaces the room's cache with the chosen user's keys (and the others), all from SQL over the room's rows, TTL 1 hour.",
    },
    {
      kind: 'group',
      label: 'SCAN loop',
      controls: [
        {
          kind: 'choice',
          label: 'COUNT',
          action: 'setCount',
          param: 'count',
          state: 'count',
          options: SCAN_COUNTS.map((n) => ({ value: n, label: String(n) })),
        },
        {
          kind: 'choice',
          label: 'Mode (starts a new loop for the user)',
          action: 'scanStart',
          param: 'mode',
          state: 'mode',
          params: { userId: '$user' },
          options: (Object.keys(SCAN_MODES) as ScanMode[]).map((m) => ({
            value: m,
            label: SCAN_MODES[m].label,
            title: SCAN_MODES[m].title,
          })),
        },
      ],
      note: 'Step through it in the SCAN loop panel.',
    },
    {
      kind: 'group',
      label: 'Other ways',
      controls: [
        {
          kind: 'button',
          label: 'Invalidate by tag set',
          action: 'tag',
          params: { userId: '$user' },
          variant: 'primary',
        },
        {
          kind: 'button',
          label: 'KEYS + UNLINK',
          action: 'keys',
          params: { userId: '$user' },
          variant: 'danger',
          title: `Refused above ${PATTERN_LIMITS.keysMaxDbsize.toLocaleString('en')} keys; once every ${PATTERN_LIMITS.keysCooldownMs / 1000} s per room`,
        },
      ],
      note: `KEYS is refused when Redis holds more than ${PATTERN_LIMITS.keysMaxDbsize.toLocaleString('en')} keys, and runs at most once every ${PATTERN_LIMITS.keysCooldownMs / 1000} s per room.`,
    },
    {
      kind: 'group',
      label: 'Why invalidate',
      controls: [
        { kind: 'button', label: 'Read profile', action: 'read', params: { userId: '$user' } },
        { kind: 'button', label: 'Update in DB', action: 'update', params: { userId: '$user' } },
      ],
    },
  ],
  walkthrough: [
    {
      id: 'owner',
      title: 'One user, many keys',
      body: "Real apps cache many things per user: `user:1:profile`, `user:1:posts`, `user:1:friends`, `user:1:feed:1` … When the user changes, every one of them must go, and no single code path knows all their names. What they share is the prefix `user:1:`.\n\nFill the room: user 1 gets 24 keys (20 feed pages), and 5,000 keys of other users and posts surround them. Every value comes from SQL over the room's rows, written in pipelined batches of a thousand.",
      task: 'Pick 5,000 under "Other keys in the room" (user 1 keeps 20 feed pages).',
      run: [fill(5000)],
      look: 'inspector',
      done: { kind: 'set', key: 'user:1:profile' },
    },
    {
      id: 'first-call',
      title: 'One SCAN call',
      body: '`SCAN 0 MATCH user:1:* COUNT 100` asks Redis to walk about 100 slots of its key table from cursor 0, keep the names that match, and hand back the cursor to continue from.\n\nLook at the row: the call examined about a hundred keys (of anyone\'s: the whole database shares one table) and returned only the few that matched, maybe none. MATCH filters after the walk, so an empty answer does not mean the loop is over. The "other client" column is a PING sent from another connection while the call ran.',
      task: 'Press "Step" in the SCAN loop panel.',
      run: [{ action: 'scanStep' }],
      look: 'panels',
      done: { kind: 'scan' },
    },
    {
      id: 'count',
      title: 'COUNT is a hint, and it can change mid-loop',
      body: 'COUNT says how much work one call should do, not how many keys it returns. A larger COUNT means fewer round trips, each holding Redis a little longer; Redis may also return a few more or fewer. The cursor stays valid whatever COUNT the next call uses.',
      task: 'Set COUNT to 1000 and press "Step" again.',
      run: [{ action: 'setCount', params: { count: 1000 } }, { action: 'scanStep' }],
      look: 'panels',
      done: { kind: 'scan', data: { count: 1000 } },
    },
    {
      id: 'to-the-end',
      title: 'Until the cursor is 0',
      body: "The loop is over only when a call hands back cursor 0. In this mode each call's keys were unlinked as they arrived, so the key inspector empties as the loop goes, and no other key is touched.\n\nEach call did a small, bounded piece of work (the timeline's probe row gives its time by Redis's own clock, INFO commandstats), and other clients' commands ran between calls.",
      task: 'Press "Run to the end".',
      run: [{ action: 'scanRun' }],
      look: 'panels',
      done: { kind: 'scan', data: { next: '0' } },
    },
    {
      id: 'duplicates',
      title: 'A key can come back twice',
      body: 'SCAN promises that a key present for the whole loop is returned at least once, not exactly once. If Redis resizes its key table between two calls, the next call can return keys the loop already has.\n\nThis run keeps only user 1\'s keys (103, with 99 feed pages), uses COUNT 10 and the "resizing" mode: before every other call the lab adds temporary keys until Redis doubles its table, and after the call deletes them so Redis shrinks it. The loop collects keys in a Set, which drops what comes back (the "again" column), and unlinks each key once at the end.\n\nWhether keys come back depends on where the cursor stands when the table shrinks, and on how much else this Redis holds (the lab does not resize a big shared keyspace): a run can see none.',
      task: 'Pick "none" other keys, 99 feed pages, COUNT 10, mode "Collect, resizing", then "Run to the end".',
      run: [
        fill(0, 99),
        { action: 'setCount', params: { count: 10 } },
        { action: 'scanStart', params: { userId: 1, mode: 'resize' } },
        { action: 'scanRun' },
      ],
      look: 'panels',
      done: { kind: 'scan', data: { next: '0' } },
    },
    {
      id: 'sscan-duplicates',
      title: 'The same cursor on a table the lab controls',
      body: "SSCAN walks one set with the same cursor and the same promise. User 1's tag set lists their keys, so walking it finds them too, and its table belongs to the set alone: the lab can grow and shrink it whatever else this Redis holds. Duplicates show up within a run or two.\n\nA big tag set is walked this way in practice too: SMEMBERS on a set of a million members blocks Redis just as KEYS does.",
      task: 'Refill (pick 99 feed pages again), pick mode "Tag set (SSCAN), resizing", then "Run to the end".',
      run: [fill(0, 99), { action: 'scanStart', params: { userId: 1, mode: 'sscan' } }, { action: 'scanRun' }],
      look: 'panels',
      done: { kind: 'scan', key: 'user:1:keys', data: { next: '0' } },
    },
    {
      id: 'keys',
      title: 'KEYS: one call that stops everything',
      body: "`KEYS user:1:*` answers in one call, but Redis walks every key in the database to do it and runs nothing else meanwhile. Add 100,000 keys of other apps (outside your room, gone in 5 minutes), refill the room and run KEYS: the timeline's probe row gives, by Redis's own clock (INFO commandstats), how long that one call held the server, against a SCAN call's; any command another client sends meanwhile waits until it ends.\n\nThe lab refuses KEYS when Redis holds more than 300,000 keys and allows it once every 5 s per room. In production, rename or disable the command.",
      task: 'Refill with 5,000 other keys, add other apps\' keys, then press "KEYS + UNLINK".',
      run: [fill(5000), { action: 'bulk', params: { keys: 100_000 } }, { action: 'keys', params: { userId: 1 } }],
      look: 'panels',
      done: { kind: 'probe', data: { during: 'KEYS' } },
    },
    {
      id: 'tag',
      title: 'A tag set: no scan at all',
      body: "The fill also registered each user's keys in a set, `user:1:keys`. Invalidation is then SMEMBERS (which keys?) and one Lua script that unlinks them and takes them out of the set atomically: two round trips, however big the keyspace.\n\nThe cost moves to the write path: every place that caches a user's key must register it too, or the invalidation will not know it exists.",
      task: 'Refill, then press "Invalidate by tag set".',
      run: [fill(5000), { action: 'tag', params: { userId: 1 } }],
      look: 'panels',
      done: { kind: 'command', data: { cmd: 'EVALSHA' } },
    },
    {
      id: 'stale',
      title: 'Why: the user changed',
      body: "Read user 1's profile: a miss, the row from the database, and a MULTI that caches it and registers it in the tag set. Then change the row in the database. The inspector shows the cached profile one version behind, and every other key derived from the user is just as out of date.",
      task: 'Press "Read profile", then "Update in DB".',
      run: [
        { action: 'read', params: { userId: 1 } },
        { action: 'update', params: { userId: 1 } },
      ],
      look: 'inspector',
      done: { kind: 'update', key: 'user:1' },
    },
    {
      id: 'fresh',
      title: 'Invalidate, then read fresh',
      body: 'Invalidate by the tag set and read the profile again: a miss, and the new version from the database. In an app this is the write path: update the row, then invalidate the group, only after the database write succeeded.',
      task: 'Press "Invalidate by tag set", then "Read profile".',
      run: [
        { action: 'tag', params: { userId: 1 } },
        { action: 'read', params: { userId: 1 } },
      ],
      look: 'timeline',
      done: { kind: 'miss', key: 'user:1:profile' },
    },
  ],
  questions: [
    {
      id: 'invalidate-related-keys',
      question: 'How do you invalidate multiple related keys?',
      answer:
        'Give them a common prefix, like user:1:, and walk the keyspace with SCAN: SCAN 0 MATCH user:1:* COUNT 100, delete what each call returns, and repeat with the cursor it hands back until it is 0 again. Never KEYS in production: it walks the whole keyspace in one blocking call. If you invalidate a group often, keep a tag set that lists its keys and delete its members instead: two round trips whatever the size of the keyspace.',
      tradeoff:
        'The SCAN loop is safe, but its round trips grow with the whole keyspace, not with the keys you delete. A tag set is fast, but every write must register its key, and a key cached without registering is missed.',
      demo: 'scan-vs-tag',
    },
    {
      id: 'why-not-keys',
      question: 'Why not use KEYS to find them?',
      answer:
        'Redis runs one command at a time, and KEYS walks every key in the database before it answers, at roughly a third of a microsecond a key: about a third of a second per million keys, during which every other client waits. SCAN does the same walk in small steps, and other clients run in between.',
      tradeoff:
        'KEYS is exact and takes two round trips; SCAN takes many round trips and may return a key twice, but never holds the server for long.',
      demo: 'keys-blocks',
    },
    {
      id: 'scan-duplicates',
      question: 'Can SCAN return the same key twice?',
      answer:
        'Yes. SCAN, and SSCAN, HSCAN and ZSCAN with it, only promise that an element present for the whole iteration is returned at least once. If the table is resized between two calls, elements can come back again, and ones added or removed meanwhile may or may not appear. Deleting is idempotent, so a delete loop does not care; a loop that counts or processes keys must dedupe them, with a Set.',
      tradeoff:
        'The Set holds every matching key until the loop ends, which is one reason the usual loop deletes each batch as it arrives.',
      demo: 'scan-duplicates',
    },
  ],
  demos: [
    {
      id: 'scan-vs-tag',
      title:
        "The SCAN loop and the tag set delete exactly the user's keys; one takes dozens of round trips, the other two",
      steps: [
        { do: { action: 'reset' } },
        { say: "Fill the room: user 1's 24 keys among 5,000 others." },
        { do: fill(5000) },
        { do: { action: 'setCount', params: { count: 100 } } },
        { do: { action: 'scanStart', params: { userId: 1, mode: 'delete' } } },
        { phase: 'scan' },
        { say: 'SCAN MATCH user:1:* COUNT 100 until the cursor is 0, unlinking each batch.' },
        { do: { action: 'scanRun' } },
        { phase: 'refill' },
        { say: 'Fill again, then invalidate through the tag set.' },
        { do: fill(5000) },
        { phase: 'tag' },
        { do: { action: 'tag', params: { userId: 1 } } },
      ],
      checks: [
        {
          text: "The SCAN loop deleted all 24 of user 1's keys and nothing else",
          measure: { match: { kind: 'del', src: 'app' }, phase: 'scan' },
          min: 24,
          max: 24,
        },
        {
          text: 'It took more than ten SCAN calls over 5,000 keys',
          measure: { match: { kind: 'scan' }, phase: 'scan' },
          min: 11,
        },
        {
          text: 'The tag set deleted the same 24 keys',
          measure: { match: { kind: 'del', src: 'app' }, phase: 'tag' },
          min: 24,
          max: 24,
        },
        {
          text: 'The tag set took two round trips (SMEMBERS and one script)',
          measure: { match: { kind: 'command' }, phase: 'tag' },
          min: 2,
          max: 2,
        },
        {
          text: 'The SCAN loop made more calls than the tag set made round trips',
          left: { match: { kind: 'scan' }, phase: 'scan' },
          op: 'gt',
          right: { match: { kind: 'command' }, phase: 'tag' },
        },
      ],
    },
    {
      id: 'keys-blocks',
      title: 'KEYS holds every other client while it walks the keyspace; SCAN does not',
      steps: [
        { do: { action: 'reset' } },
        { say: 'Fill the room, and add 100,000 keys of other apps to this Redis (they expire in 5 minutes).' },
        { do: fill(5000) },
        { do: { action: 'bulk', params: { keys: 100_000 } } },
        { do: { action: 'setCount', params: { count: 1000 } } },
        { do: { action: 'scanStart', params: { userId: 1, mode: 'delete' } } },
        { phase: 'scan' },
        { say: 'The SCAN loop, COUNT 1000, with a PING from another client during every call.' },
        { do: { action: 'scanRun' } },
        { phase: 'refill' },
        { do: fill(5000) },
        { phase: 'keys' },
        { say: 'KEYS user:1:*, with the same PING from another client while it runs.' },
        { do: { action: 'keys', params: { userId: 1 } } },
        { phase: 'cleanup' },
        { do: { action: 'bulk', params: { keys: 0 } } },
      ],
      checks: [
        {
          text: "The SCAN loop deleted user 1's 24 keys",
          measure: { match: { kind: 'del', src: 'app' }, phase: 'scan' },
          min: 24,
          max: 24,
        },
        {
          text: 'KEYS found and deleted the same 24 keys',
          measure: { match: { kind: 'del', src: 'app' }, phase: 'keys' },
          min: 24,
          max: 24,
        },
        {
          text: 'Over 100,000 keys the SCAN loop needed more than 50 calls',
          measure: { match: { kind: 'scan' }, phase: 'scan' },
          min: 51,
        },
        {
          // Read from Redis's own clock (INFO commandstats), not from PINGs sent by another client: a PING shows
          // the block only if it reaches Redis while KEYS runs, which a loaded machine can make it miss (0.28 ms
          // against 0.76 ms in one CI run, though KEYS held Redis for about 30 ms), and a loaded machine also
          // slows the PINGs during SCAN (7 ms median seen here). Redis runs one command at a time: the time it
          // spent in a call is the time every other client waited.
          text: "By Redis's own clock, the one KEYS call held the server (no other client served) longer than a SCAN call of the loop did",
          left: { match: { kind: 'probe', data: { during: KEYS_BY_REDIS } }, phase: 'keys', of: 'max' },
          op: 'gt',
          right: { match: { kind: 'probe', data: { during: SCAN_BY_REDIS } }, phase: 'scan', of: 'max' },
        },
      ],
    },
    {
      id: 'scan-duplicates',
      title: 'Resize the table under the cursor: SSCAN returns keys again, and the Set keeps one delete per key',
      steps: [
        { do: { action: 'reset' } },
        {
          say: "User 1's tag set lists 102 keys. Walk it with SSCAN, COUNT 10, growing the set's own table before every other call and shrinking it after: the same cursor as SCAN, on a table whose size the lab controls whatever else is in Redis.",
        },
        { do: { action: 'setCount', params: { count: 10 } } },
        { do: fill(0, 99) },
        { do: { action: 'scanStart', params: { userId: 1, mode: 'sscan' } } },
        { phase: 'loop' },
        { do: { action: 'scanRun' } },
        { phase: 'refill' },
        { say: 'Where the cursor stands when the table shrinks decides what comes back: refill and walk twice more.' },
        { do: fill(0, 99) },
        { do: { action: 'scanStart', params: { userId: 1, mode: 'sscan' } } },
        { phase: 'loop' },
        { do: { action: 'scanRun' } },
        { phase: 'refill' },
        { do: fill(0, 99) },
        { do: { action: 'scanStart', params: { userId: 1, mode: 'sscan' } } },
        { phase: 'loop' },
        { do: { action: 'scanRun' } },
      ],
      checks: [
        {
          text: "The set's table was grown and shrunk under the walks",
          measure: { match: { kind: 'command', data: { cmd: 'SREM' } }, phase: 'loop' },
          min: 3,
        },
        {
          text: 'SSCAN returned at least one key the walk had already returned',
          measure: { match: { kind: 'scan' }, phase: 'loop', of: 'sum', field: 'duplicates' },
          min: 1,
        },
        {
          text: 'Each walk still deleted every registered key and the tag set exactly once (3 × 103)',
          measure: { match: { kind: 'del', src: 'app' }, phase: 'loop' },
          min: 309,
          max: 309,
        },
      ],
    },
  ],
}
