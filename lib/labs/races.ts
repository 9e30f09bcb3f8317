/**
 * The races lab: the cache-aside stale write-back, one real operation at a time, and three fixes run
 * against the same interleaving; then a randomised mode with many readers and writers at once. Content
 * only: the vocabulary and bounds are in races-model.ts, the action schemas in races-actions.ts, the engine
 * in server/engine/labs/races.ts and the strategies in server/engine/strategies/.
 */
import { DB_PROFILES, RACE_LIMITS, type DbProfile } from './races-model'
import type { Demo, LabSpec } from './types'

export * from './races-model'

/** `count` Step presses. */
function steps(count: number): { do: { action: string } }[] {
  return Array.from({ length: count }, () => ({ do: { action: 'step' } }))
}

const raceAndFixes: Demo = {
  id: 'race-and-fixes',
  title: 'The same interleaving: naive loses the race, a version check and a lease each stop it',
  steps: [
    { do: { action: 'reset' } },
    { say: 'Naive cache-aside. A misses and reads v1; B writes v2 and deletes the key; A puts v1 back; C reads.' },
    { do: { action: 'setStrategy', params: { strategy: 'naive' } } },
    { phase: 'naive' },
    ...steps(6),
    {
      say: 'The same steps with a version-checked fill: the delete leaves a tombstone of v3, and the fill script refuses v2.',
    },
    { phase: 'between' },
    { do: { action: 'setStrategy', params: { strategy: 'versioned' } } },
    { phase: 'versioned' },
    ...steps(6),
    { say: "The same steps with leases: B's delete revokes A's token, and the fill needs it." },
    { phase: 'between-2' },
    { do: { action: 'setStrategy', params: { strategy: 'lease' } } },
    { phase: 'lease' },
    ...steps(6),
  ],
  checks: [
    {
      text: "Naive: A's late SET stored the old row and C's read was stale",
      measure: { match: { kind: 'stale-read', key: 'user:1', node: 'C' }, phase: 'naive' },
      min: 1,
    },
    {
      text: 'Version-checked: the fill of the old row was refused',
      measure: { match: { kind: 'refused', key: 'user:1', node: 'A' }, phase: 'versioned' },
      min: 1,
    },
    {
      text: "Version-checked: C's read was fresh",
      measure: { match: { kind: 'stale-read' }, phase: 'versioned' },
      max: 0,
    },
    {
      text: "Leases: B's delete revoked A's lease and A's fill was rejected",
      measure: { match: { kind: 'lease', node: 'A', data: { op: 'reject' } }, phase: 'lease' },
      min: 1,
    },
    {
      text: "Leases: C's read was fresh",
      measure: { match: { kind: 'stale-read' }, phase: 'lease' },
      max: 0,
    },
  ],
}

const doubleDeleteTiming: Demo = {
  id: 'double-delete-timing',
  title: 'Delayed double delete: fresh when the delay outlasts the slow fill, stale when it does not',
  steps: [
    { do: { action: 'reset' } },
    { do: { action: 'setStrategy', params: { strategy: 'double-delete' } } },
    { say: "A's fill lands 250 ms after B's first delete; B deletes again 500 ms after it." },
    { do: { action: 'setDelay', params: { delayMs: 500, fillLagMs: 250 } } },
    { phase: 'long-delay' },
    ...steps(7),
    { say: 'Now B deletes again after only 100 ms: the second delete comes before the fill.' },
    { phase: 'between' },
    { do: { action: 'setDelay', params: { delayMs: 100 } } },
    { phase: 'short-delay' },
    ...steps(7),
  ],
  checks: [
    {
      text: "Delay 500 ms: B's second delete removed A's stale value",
      measure: { match: { kind: 'del', key: 'user:1', node: 'B', data: { existed: true } }, phase: 'long-delay' },
      min: 1,
    },
    {
      text: "Delay 500 ms: C's read was fresh",
      measure: { match: { kind: 'stale-read' }, phase: 'long-delay' },
      max: 0,
    },
    {
      text: 'Delay 100 ms: the second delete found nothing to delete',
      measure: { match: { kind: 'del', key: 'user:1', node: 'B', data: { existed: true } }, phase: 'short-delay' },
      max: 0,
    },
    {
      text: "Delay 100 ms: A's fill landed after it and C's read was stale",
      measure: { match: { kind: 'stale-read', key: 'user:1', node: 'C' }, phase: 'short-delay' },
      min: 1,
    },
  ],
}

const leaseTokens: Demo = {
  id: 'lease-tokens',
  title: 'Leases: one token per miss, waiting readers, a revoked token, and a fill only the holder can make',
  steps: [
    { do: { action: 'reset' } },
    { do: { action: 'setStrategy', params: { strategy: 'lease' } } },
    { say: 'A misses and is granted the lease.' },
    { do: { action: 'step' } },
    { say: 'C reads while A holds it: C is told to wait, so it serves the database row without filling.' },
    { phase: 'waiting' },
    { do: { action: 'read' } },
    { phase: 'race' },
    { say: "A reads v1, B writes v2 and deletes the key and the lease, A's fill is rejected, C fills v2." },
    ...steps(5),
  ],
  checks: [
    {
      text: 'A second reader was denied the lease while A held it',
      measure: { match: { kind: 'lease', node: 'C', data: { op: 'deny' } }, phase: 'waiting' },
      min: 1,
    },
    {
      text: 'The waiting reader did not fill the cache',
      measure: { match: { kind: 'set', key: 'user:1' }, phase: 'waiting' },
      max: 0,
    },
    {
      text: "B's delete revoked the lease",
      measure: { match: { kind: 'lease', node: 'B', data: { op: 'invalidate' } }, phase: 'race' },
      min: 1,
    },
    {
      text: "A's fill with the revoked token was rejected",
      measure: { match: { kind: 'lease', node: 'A', data: { op: 'reject' } }, phase: 'race' },
      min: 1,
    },
    {
      text: 'C was granted a new lease and filled with it',
      measure: { match: { kind: 'lease', node: 'C', data: { op: 'fill' } }, phase: 'race' },
      min: 1,
    },
    {
      text: 'No read was stale',
      measure: { match: { kind: 'stale-read' } },
      max: 0,
    },
  ],
}

export const racesLab: LabSpec = {
  id: 'races',
  title: 'Cache-aside races',
  tagline:
    'Run the stale write-back race one operation at a time, then stop it with a version check, leases, or (not quite) a delayed double delete.',
  intro:
    "Delete the key after the database write: the textbook invalidation, and it has a hole. A reader that missed can read a row just before a write, fall behind, and put the old row back just after the writer's delete. Nothing deletes it again, so every read is stale until the TTL runs out. Here reader A, writer B and a third client C run that race step by step against a real Redis and a real database, then run it again against three fixes. A randomised mode lets many readers and writers loose at once and counts what each strategy lets through.",
  sources: [
    'server/engine/labs/races.ts',
    'server/engine/strategies/race.ts',
    'server/engine/strategies/race-naive.ts',
    'server/engine/strategies/versioned-fill.ts',
    'server/engine/lua/versioned-fill-2.lua',
    'server/engine/lua/tombstone-delete-2.lua',
    'server/engine/strategies/leases.ts',
    'server/engine/lua/lease-get-2.lua',
    'server/engine/lua/lease-fill-2.lua',
    'server/engine/lua/lease-invalidate-2.lua',
    'server/engine/strategies/double-delete.ts',
    'server/engine/labs/races-random.ts',
  ],
  codeFor: { step: 'runStep', read: 'readThrough', race: 'runRandomised' },
  walkthrough: [
    {
      id: 'actors',
      title: 'Three clients, one key',
      body: 'The race panel above the key inspector is a script in two columns: reader A on the left, writer B on the right, and a last read by a third client, C. Each press of Step (or of the next step’s card) runs one real operation (a GET, a SELECT, an UPDATE, a DEL, a SET or a Lua script) and shows what it found.\n\nOn the timeline every row carries the letter of the client that made it, and the panel shows what the cache and the database hold after each step.',
      look: 'timeline',
    },
    {
      id: 'miss-and-read',
      title: 'A misses and reads version 1',
      body: 'A asks Redis for `user:1`: a miss. It reads the row from the database and now holds version 1 in memory, about to write it back to the cache. Now suppose A is slow for a moment: a GC pause, a slow network.',
      task: 'Press Step twice.',
      run: [{ action: 'step' }, { action: 'step' }],
      look: 'timeline',
      done: { kind: 'query', key: 'user:1', node: 'A' },
    },
    {
      id: 'write-and-delete',
      title: 'B writes version 2 and deletes the key',
      body: 'Meanwhile B updates the row (version 2) and then invalidates the cache with a DEL, exactly as cache-aside says. The key is not even there yet, so the delete has nothing to remove.',
      task: 'Press Step twice more.',
      run: [{ action: 'step' }, { action: 'step' }],
      look: 'timeline',
      done: { kind: 'del', key: 'user:1', node: 'B' },
    },
    {
      id: 'stale-fill',
      title: "A's late SET puts version 1 back",
      body: 'A wakes up and stores what it read: version 1, with a full TTL. The delete already happened, so nothing will remove it. The key inspector shows the cache at v1 beside the database at v2.',
      task: 'Press Step.',
      run: [{ action: 'step' }],
      look: 'inspector',
      done: { kind: 'set', key: 'user:1', node: 'A' },
    },
    {
      id: 'stale-read',
      title: 'C reads: stale until the TTL',
      body: 'C is any later reader. It hits the cache and gets version 1; the consistency oracle compares that with the database at that instant and flags the read as stale. Press "C reads again" in the controls as often as you like: it stays stale until the TTL ends it.',
      task: 'Press Step.',
      run: [{ action: 'step' }],
      look: 'timeline',
      done: { kind: 'stale-read', key: 'user:1', node: 'C' },
    },
    {
      id: 'versioned',
      title: 'Fix 1: a fill that checks versions',
      body: "Pick \"Version-checked\". B's delete is now a Lua script that also leaves a tombstone carrying the version it wrote, and A's fill is a script that refuses a row older than the tombstone or than what is cached. Same steps, same timing: A's old row is refused (the green `refused` row), and C reads fresh.",
      task: 'Pick "Version-checked" in the race panel and press Auto-play.',
      run: [
        { action: 'setStrategy', params: { strategy: 'versioned' } },
        { action: 'play', params: { on: true } },
      ],
      look: 'timeline',
      done: { kind: 'refused', key: 'user:1' },
    },
    {
      id: 'leases',
      title: 'Fix 2: leases',
      body: "Pick \"Leases\". A's miss now hands it a lease token (`SET lease:user:1 <token> NX PX`, inside one script with the GET). B's delete removes the key and the lease together, and a fill is a compare-and-set on the token. A's token was revoked, so its fill is rejected; C gets a new lease and fills version 2.",
      task: 'Pick "Leases" and press Auto-play.',
      run: [
        { action: 'setStrategy', params: { strategy: 'lease' } },
        { action: 'play', params: { on: true } },
      ],
      look: 'timeline',
      done: { kind: 'lease', node: 'A', data: { op: 'reject' } },
    },
    {
      id: 'double-delete',
      title: 'Fix 3, sort of: delete twice',
      body: "Pick \"Double delete\". B deletes, waits, and deletes again, to remove whatever a slow reader put back in between. A's fill lands 250 ms after B's first delete; with a 500 ms delay, B's second delete comes after it and removes the stale value. No script, no version: just a timer.",
      task: 'Pick "Double delete", leave the delay at 500 ms, and press Auto-play.',
      run: [
        { action: 'setStrategy', params: { strategy: 'double-delete' } },
        { action: 'setDelay', params: { delayMs: 500, fillLagMs: 250 } },
        { action: 'play', params: { on: true } },
      ],
      look: 'timeline',
      done: { kind: 'del', key: 'user:1', node: 'B', data: { existed: true } },
    },
    {
      id: 'too-short',
      title: 'When the delay is too short',
      body: "Now set the delay to 100 ms. The second delete lands before A's fill, finds nothing, and A's old row stays, stale until the TTL. Double delete narrows the window; it does not close it. The delay would have to outlast the slowest reader, and nobody can promise that.",
      task: 'Set the delay to 100 ms and press Auto-play.',
      run: [
        { action: 'setDelay', params: { delayMs: 100 } },
        { action: 'play', params: { on: true } },
      ],
      look: 'timeline',
      done: { kind: 'stale-read', key: 'user:1', node: 'C' },
    },
    {
      id: 'randomised',
      title: 'Let many clients race',
      body: 'A script proves a mechanism; traffic shows how often it bites. The randomised mode runs readers and writers concurrently against all four strategies, each on its own keys, with the database profile you pick, and counts stale reads, stale write-backs and how long keys stayed stale. Expect the version check and leases to let no write-back through, naive to leave some stale until the TTL, and double delete to let as many happen but cap each at its delay. One run is a handful of races: run it a few times, and try the jittery database profile.',
      task: 'Press "Run" in the randomised mode panel.',
      run: [{ action: 'race', params: {} }],
      look: 'charts',
      done: { kind: 'setting', data: { name: 'race' } },
    },
  ],
  questions: [
    {
      id: 'stale-write-back',
      question: 'What is the cache-aside race (stale write-back), and how do you prevent it?',
      answer:
        "A reader misses and reads the row. Before it writes it to the cache, a writer updates the row and deletes the key. Then the reader's fill lands and puts the old row back, and nothing deletes it again: every read is stale until the TTL. Deleting after the write cannot help, because the stale write comes after the delete. The fix is to make the fill conditional: store a row only if its version is newer than what the cache has seen, with the delete leaving a tombstone of the new version; or use leases, where a miss hands out a token, a delete revokes it, and a fill needs it. Keep the TTL as the backstop.",
      tradeoff:
        'Both fixes need an atomic check in Redis (a Lua script) and rows that carry a version or a token; with leases, readers that miss while a lease is out wait or read the database without filling.',
      demo: 'race-and-fixes',
    },
    {
      id: 'double-delete-enough',
      question: 'Does delayed double delete fix the race?',
      answer:
        'It narrows the window; it does not close it. The writer deletes, waits, and deletes again, which removes a stale row a slow reader put back during the wait. A reader slower than the delay still fills after the second delete, and that row stays until the TTL. The delay has to outlast the slowest query-to-fill time, which nobody can bound: GC pauses, retries, a slow network. It does not make the race rarer, only shorter: a stale row it catches still lives for up to the delay.',
      tradeoff:
        'Cheap to add (no scripts, no versions), but it is a timing bet: every write pays a second delete and another miss, a long delay serves stale data for up to the delay, and a short one lets slow fills through.',
      demo: 'double-delete-timing',
    },
    {
      id: 'leases-how',
      question: 'How do leases (as in memcache) stop stale sets?',
      answer:
        'On a miss the cache gives the first reader a lease token and tells later readers to wait. A delete of the key revokes the token. A fill is accepted only with the token that is current, so a reader whose row was read before a write cannot store it. Only one reader per miss fills; in memcache the others retry a moment later instead of all querying the database, which also damps a stampede on a hot key (here they read the database without filling).',
      tradeoff:
        'Readers that are told to wait add latency or read the database without filling, and a lease holder that dies blocks fills until its lease expires.',
      demo: 'lease-tokens',
    },
  ],
  demos: [raceAndFixes, doubleDeleteTiming, leaseTokens],
  controls: [
    {
      kind: 'group',
      label: 'Interleaving',
      note: 'Step, Auto-play, the strategy and the double delete timing are in the race panel.',
      controls: [
        {
          kind: 'button',
          label: 'C reads again',
          action: 'read',
          variant: 'primary',
          title: 'Reader C reads user:1 through the current strategy',
        },
        {
          kind: 'slider',
          label: 'TTL of filled values',
          action: 'setTtl',
          param: 'seconds',
          state: 'ttlSeconds',
          min: 5,
          max: 120,
          step: 5,
          unit: ' s',
        },
        {
          kind: 'slider',
          label: 'Auto-play pause between steps',
          action: 'setInterval',
          param: 'ms',
          state: 'intervalMs',
          min: RACE_LIMITS.intervalMs.min,
          max: RACE_LIMITS.intervalMs.max,
          step: 100,
          unit: ' ms',
        },
      ],
    },
    {
      kind: 'group',
      label: 'Database',
      note: 'Latency and jitter per query, for the steps and the randomised mode.',
      controls: [
        {
          kind: 'choice',
          label: 'Database profile',
          action: 'dbProfile',
          param: 'profile',
          state: 'dbProfile',
          options: (Object.keys(DB_PROFILES) as DbProfile[]).map((p) => ({ value: p, label: DB_PROFILES[p].label })),
        },
      ],
    },
  ],
}
