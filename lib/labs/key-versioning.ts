/**
 * The key-versioning lab: every key carries a version prefix (`v1:user:1`); bumping the version invalidates
 * the whole cache at once, and the old generation stays in Redis, holding memory, until its TTLs end it, or
 * for ever without one. Content and the shapes the engine publishes; action schemas in
 * key-versioning-actions.ts, the engine's side in server/engine/labs/key-versioning.ts.
 */
import type { LabSpec } from './types'

/** TTLs the controls offer for new keys, in seconds (null: no TTL). */
export const VERSIONING_TTLS = [10, 20, 60, null] as const
export const DEFAULT_TTL_SECONDS = 20
/** Highest version a room can reach. */
export const MAX_VERSION = 1000

/** What Redis holds for one generation, measured by the engine (MEMORY USAGE per key, summed). */
export interface GenerationFigures {
  version: number
  keys: number
  /** Bytes, as MEMORY USAGE reports them, summed over the generation's keys. */
  bytes: number
  /** Keys without a TTL: they stay until something deletes them. */
  noTtl: number
  /** The longest remaining TTL among the keys that have one, ms. */
  maxTtlMs: number | null
}

export interface VersioningLabState {
  version: number
  ttlSeconds: number | null
  load: { rps: number; users: number }
  /** Every generation this room has used, newest first, as last measured. */
  generations: GenerationFigures[]
  /** INFO memory used_memory: the whole Redis server, every other program's data included. */
  usedMemory: number | null
  sampledAt: number | null
  stats: { label: string; value: string | number; hint?: string; warn?: boolean }[]
  dbLatencyMs: number
  dbJitterMs: number
}

/** The gauge names the engine samples into events (one series per generation on the memory chart). */
export const gaugeName = {
  memory: (version: number) => `v${version} memory`,
  keys: (version: number) => `v${version} keys`,
  usedMemory: 'used_memory',
}

/** The version of a `v<n> memory` gauge, if it is one. */
export function memoryGaugeVersion(name: string): number | undefined {
  const m = /^v(\d+) memory$/.exec(name)
  return m ? Number(m[1]) : undefined
}

export const versioningLab: LabSpec = {
  id: 'key-versioning',
  title: 'Key versioning',
  tagline:
    'Put a version in every key, bump it to invalidate everything at once, and watch the old generation hold memory until its TTLs end it.',
  intro:
    "Sometimes everything cached must go at once: a deploy changes the shape of the cached values, or a bug cached wrong data for hours. Deleting millions of keys is slow and races with readers. Versioned keys avoid it: every key name starts with a version (v1:user:1), and switching the app to v2 makes every read miss and refill under the new names. Nothing is deleted: the old generation sits in Redis until its TTLs run out. This lab measures what it holds, with Redis's own figures, and shows what happens when there is no TTL to end it.",
  sources: [
    'server/engine/strategies/versioned-keys.ts',
    'server/engine/strategies/generation-memory.ts',
    'server/engine/strategies/scan-invalidation.ts',
    'server/engine/labs/key-versioning.ts',
  ],
  codeFor: {
    read: 'readVersioned',
    fill: 'fillGeneration',
    bump: 'nextVersion',
    measure: 'measureGenerations',
    sweep: 'scanAndUnlink',
  },
  controls: [
    { kind: 'user', label: 'User' },
    {
      kind: 'group',
      label: 'Requests',
      controls: [
        { kind: 'button', label: 'Read user', action: 'read', params: { userId: '$user' }, variant: 'primary' },
        { kind: 'button', label: 'Update in DB', action: 'update', params: { userId: '$user' } },
      ],
    },
    {
      kind: 'group',
      label: 'Generations',
      controls: [
        {
          kind: 'button',
          label: 'Bump version',
          action: 'bump',
          variant: 'primary',
          title: 'Switch reads and writes to the next version',
        },
        { kind: 'button', label: 'Fill 20 users', action: 'fill', params: { users: 20 } },
        { kind: 'button', label: 'Fill 100 users', action: 'fill', params: { users: 100 } },
      ],
      note: 'A fill reads the users and their posts with one SQL query and caches them under the current version.',
    },
    {
      kind: 'choice',
      label: 'TTL for new keys',
      action: 'setTtl',
      param: 'seconds',
      state: 'ttlSeconds',
      options: VERSIONING_TTLS.map((s) => ({
        value: s,
        label: s === null ? 'none' : `${s} s`,
        title: s === null ? 'Cache without a TTL: an old generation then never leaves' : undefined,
      })),
    },
    {
      kind: 'choice',
      label: 'Read load (over users 1–20)',
      action: 'load',
      param: 'rps',
      state: 'load.rps',
      params: { users: 20 },
      options: [
        { value: 0, label: 'off' },
        { value: 5, label: '5 / s' },
        { value: 20, label: '20 / s' },
      ],
    },
  ],
  walkthrough: [
    {
      id: 'versioned-keys',
      title: 'A version in every key',
      body: 'Every key this lab writes starts with the current version: `v1:user:1` caches user 1 and their posts. The app builds the names from one setting, so changing that setting changes every name at once.\n\nFill the cache: twenty users under v1, each with a 20 s TTL, from one SQL query.',
      task: 'Press "Fill 20 users".',
      run: [{ action: 'fill', params: { users: 20 } }],
      look: 'inspector',
      done: { kind: 'set', key: 'v1:user:1' },
    },
    {
      id: 'hit',
      title: 'Reads hit the current generation',
      body: 'A read builds the key from the current version, `v1:user:1`, and finds it.',
      task: 'Press "Read user" for user 1.',
      run: [{ action: 'read', params: { userId: 1 } }],
      look: 'timeline',
      done: { kind: 'hit', key: 'v1:user:1' },
    },
    {
      id: 'bump',
      title: 'Bump the version',
      body: 'Switch to v2. Nothing is deleted and no key is touched: the app simply stops asking for v1 names. The whole cache is invalidated in one step, with no scan and no race with readers.',
      task: 'Press "Bump version".',
      run: [{ action: 'bump' }],
      look: 'panels',
      done: { kind: 'setting', data: { name: 'version' } },
    },
    {
      id: 'miss',
      title: 'Every read misses, once',
      body: 'The same read now asks for `v2:user:1`, misses, reads the database and caches the row under v2. After a bump every key is cold at the same moment: on a busy site that is a burst of database reads, so bump when traffic is low, or warm the new generation first.',
      task: 'Read user 1 again.',
      run: [{ action: 'read', params: { userId: 1 } }],
      look: 'timeline',
      done: { kind: 'miss', key: 'v2:user:1' },
    },
    {
      id: 'two-generations',
      title: 'Two generations in memory',
      body: "Start a read load over users 1 to 20. The chart shows each generation's memory, as Redis's MEMORY USAGE reports it for each key, summed: v2 grows as reads refill it, and v1 stays where it was. Nobody reads v1 any more, but until its keys expire Redis holds both copies.",
      task: 'Pick "5 / s" under "Read load".',
      run: [{ action: 'load', params: { rps: 5, users: 20 } }],
      look: 'panels',
      done: { kind: 'setting', data: { name: 'load' } },
    },
    {
      id: 'expiry',
      title: 'The TTL ends the old generation',
      body: "Within 20 s of the fill, Redis expires the v1 keys (the `expired` events are Redis's own) and v1's memory drops to zero. That is all the cleanup versioning needs, as long as every key has a TTL.",
      task: 'Wait for the v1 keys to expire.',
      look: 'panels',
      done: { kind: 'gauge', data: { name: 'v1 keys', value: 0 } },
    },
    {
      id: 'no-ttl',
      title: 'A generation without a TTL',
      body: 'Now cache without a TTL and bump again: the load refills the new generation, and none of its keys will ever expire.',
      task: 'Pick TTL "none", then press "Bump version".',
      run: [{ action: 'setTtl', params: { seconds: null } }, { action: 'bump' }],
      look: 'controls',
      done: { kind: 'setting', data: { name: 'version' } },
    },
    {
      id: 'stranded',
      title: 'Bump once more: the old keys stay for ever',
      body: 'Bump again. The generation you just filled is now unreadable, and without TTLs nothing will remove it: its line on the chart stays flat, at the same memory, for as long as the server runs. Under memory pressure a volatile-* eviction policy never picks keys without a TTL; only allkeys-* policies would.',
      task: 'Press "Bump version" and watch the chart for a while.',
      run: [{ action: 'bump' }],
      look: 'panels',
      done: { kind: 'setting', data: { name: 'version' } },
    },
    {
      id: 'sweep',
      title: 'Sweep it yourself',
      body: 'A stranded generation must be deleted by hand: a SCAN loop over its prefix, `SCAN 0 MATCH v3:* COUNT 1000`, unlinking each batch (see the pattern-invalidation lab). Sweep the old generations, and stop the load.',
      task: 'Press "Sweep" beside the old generations in the panel, then turn the load off.',
      run: [{ action: 'sweep' }, { action: 'load', params: { rps: 0 } }],
      look: 'panels',
      done: { kind: 'scan', data: { next: '0' } },
    },
  ],
  questions: [
    {
      id: 'what-is-cache-versioning',
      question: 'What is cache versioning?',
      answer:
        'Putting a version in every key name, like v1:user:1001. To invalidate everything at once, after a deploy that changes the cached format or a bug that cached bad data, switch the app to v2: it stops reading v1 keys, misses, and refills under v2. Nothing is deleted; the old keys expire through their TTLs.',
      tradeoff:
        'One switch invalidates everything, with no scan and no race with readers. The price is a cold cache (every read misses until the new generation fills) and the memory the old generation holds until it expires.',
      demo: 'bump-version',
    },
    {
      id: 'old-generation',
      question: 'What happens to the old keys after a version bump?',
      answer:
        'Nothing, at first: they stay in Redis, unread, holding their memory until their TTLs run out. Without a TTL they stay for ever, and an eviction policy like volatile-lru never removes keys that have no TTL. So versioned keys need a TTL, or a sweep of the old prefix with a SCAN loop.',
      tradeoff:
        'A short TTL frees the old generation sooner but reloads the current one more often; a sweep frees it at once but costs a full pass over the keyspace.',
      demo: 'old-generation-without-ttl',
    },
  ],
  demos: [
    {
      id: 'bump-version',
      title: 'A bump makes every read miss and refill under v2; the v1 keys expire on their own',
      steps: [
        { do: { action: 'reset' } },
        { say: 'Cache ten users under v1 with a 4 s TTL, and read one.' },
        { do: { action: 'setTtl', params: { seconds: 4 } } },
        { do: { action: 'fill', params: { users: 10 } } },
        { phase: 'v1' },
        { do: { action: 'read', params: { userId: 1 } } },
        { phase: 'bumped' },
        { say: 'Bump to v2 and read the same users.' },
        { do: { action: 'bump' } },
        { do: { action: 'read', params: { userId: 1 } } },
        { do: { action: 'read', params: { userId: 2 } } },
        { say: 'Leave v1 alone: wait for its TTLs.' },
        { waitFor: { kind: 'gauge', data: { name: 'v1 keys', value: 0 } }, timeoutMs: 15_000 },
        { phase: 'after' },
        { do: { action: 'measure' } },
      ],
      checks: [
        {
          text: 'Before the bump, the read hit v1:user:1',
          measure: { match: { kind: 'hit', key: 'v1:user:1' }, phase: 'v1' },
          min: 1,
        },
        {
          text: 'After the bump, the same read missed and refilled v2:user:1 from the database',
          measure: { match: { kind: 'set', key: 'v2:user:1' }, phase: 'bumped' },
          min: 1,
        },
        {
          text: 'No v1 key was read after the bump',
          measure: { match: { kind: 'hit', key: 'v1:user:1' }, phase: 'bumped' },
          max: 0,
        },
        {
          text: 'Redis expired the v1 keys itself: nothing deleted them',
          measure: { match: { kind: 'expired', key: 'v1:user:10', src: 'redis' } },
          min: 1,
        },
        {
          text: 'Measured afterwards, v1 holds no keys and no memory',
          measure: { match: { kind: 'gauge', data: { name: 'v1 memory', value: 0 } }, phase: 'after' },
          min: 1,
        },
        {
          text: 'No key was deleted by the app',
          measure: { match: { kind: 'del', src: 'app' }, phase: 'bumped' },
          max: 0,
        },
      ],
    },
    {
      id: 'old-generation-without-ttl',
      title: 'Without a TTL the old generation never leaves; only a sweep removes it',
      steps: [
        { do: { action: 'reset' } },
        { say: 'Cache ten users under v1 without a TTL, then bump to v2.' },
        { do: { action: 'setTtl', params: { seconds: null } } },
        { do: { action: 'fill', params: { users: 10 } } },
        { do: { action: 'bump' } },
        { do: { action: 'read', params: { userId: 1 } } },
        { say: 'Six seconds later, measure what v1 still holds.' },
        { sleepMs: 6000 },
        { phase: 'later' },
        { do: { action: 'measure' } },
        { phase: 'sweep' },
        { say: 'Sweep v1: SCAN MATCH v1:* and UNLINK each batch.' },
        { do: { action: 'sweep', params: { version: 1 } } },
        { do: { action: 'measure' } },
      ],
      checks: [
        { text: 'No key expired', measure: { match: { kind: 'expired' } }, max: 0 },
        {
          text: 'Six seconds after the bump, all ten v1 keys were still in Redis',
          measure: { match: { kind: 'gauge', data: { name: 'v1 keys', value: 10 } }, phase: 'later' },
          min: 1,
        },
        {
          text: 'and still held memory',
          measure: { match: { kind: 'gauge', data: { name: 'v1 memory', value: 0 } }, phase: 'later' },
          max: 0,
        },
        {
          text: 'The sweep deleted the ten v1 keys',
          measure: { match: { kind: 'del', src: 'app' }, phase: 'sweep' },
          min: 10,
          max: 10,
        },
        {
          text: 'After the sweep v1 holds nothing',
          measure: { match: { kind: 'gauge', data: { name: 'v1 keys', value: 0 } }, phase: 'sweep' },
          min: 1,
        },
      ],
    },
  ],
}

/** Bytes as a short figure: 812 B, 71.3 KB, 7.6 MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
