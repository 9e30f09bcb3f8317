/**
 * The write-through lab: every write updates the database and then the cache in the same request, so reads
 * hit after a write; what that costs on the write path, measured against a delete-on-write write; and what
 * happens, and how long, when the cache write fails after the commit. Content only; the action schemas are
 * in write-through-actions.ts, the engine side in server/engine/labs/write-through.ts, the strategy in
 * server/engine/strategies/write-through.ts.
 */
import type { LabSpec } from './types'
import type { LabStatValue, StrategyFigures, WriteTrace } from './write-figures'

export type ThroughStrategy = 'through' | 'delete'

export const THROUGH_STRATEGIES: readonly { id: ThroughStrategy; label: string }[] = [
  { id: 'through', label: 'Write-through' },
  { id: 'delete', label: 'Delete on write' },
]

/** Bounds and default of this lab's TTL (seconds); null caches without one. */
export const WT_TTL = { min: 1, max: 600, default: 20 } as const

export interface WriteThroughState {
  ttlSeconds: number | null
  dbLatencyMs: number
  dbJitterMs: number
  comparison: StrategyFigures[]
  lastWrite: WriteTrace | null
  counts: { cacheFailures: number; failedDbWrites: number; dirtyReads: number }
  stats: LabStatValue[]
}

export const writeThroughLab: LabSpec = {
  id: 'write-through',
  title: 'Write-through',
  tagline: 'Every write updates the database and then the cache, so reads after a write hit. See what it costs each write, and what one failed cache write leaves behind.',
  intro:
    "With write-through the cache is part of the write path: the request that changes a user commits the row, rebuilds the cached value and stores it before it answers. Reads right after a write hit and are fresh. Here the cached value is a profile, the user's row plus their posts, under user:<id>:profile, so you can measure what keeping it fresh costs each write next to a delete-on-write write, and what happens when the cache write fails after the commit.",
  sources: [
    'server/engine/strategies/write-through.ts',
    'server/engine/strategies/write-path.ts',
    'server/engine/strategies/delete-on-write.ts',
    'server/engine/labs/write-through.ts',
  ],
  codeFor: { read: 'readProfile', writeThrough: 'writeThrough', deleteOnWrite: 'deleteOnWrite' },
  controls: [
    { kind: 'user' },
    {
      kind: 'group',
      label: 'Requests',
      controls: [
        { kind: 'button', label: 'Read profile', action: 'read', params: { userId: '$user' } },
        { kind: 'button', label: 'Write through', action: 'writeThrough', params: { userId: '$user' }, variant: 'primary', title: 'Rename the user: UPDATE, rebuild the profile, SET it with the TTL' },
        { kind: 'button', label: 'Write with delete', action: 'deleteOnWrite', params: { userId: '$user' }, title: 'The same rename with delete on write, to compare: UPDATE, then DEL the profile' },
      ],
    },
    {
      kind: 'group',
      label: 'Faults',
      controls: [
        { kind: 'button', label: 'Make the next cache write fail', action: 'fault', params: { target: 'cache-write' }, variant: 'danger', title: 'The next SET or DEL goes out on a Redis connection that is down' },
        { kind: 'button', label: 'Make the next DB write fail', action: 'fault', params: { target: 'db-write' }, variant: 'danger', title: 'The database runs the next UPDATE and aborts it' },
      ],
    },
    {
      kind: 'group',
      label: 'Settings',
      controls: [
        {
          kind: 'choice',
          label: 'TTL of cached profiles',
          action: 'setTtl',
          param: 'seconds',
          state: 'ttlSeconds',
          options: [
            { value: 5, label: '5 s' },
            { value: 20, label: '20 s' },
            { value: 120, label: '2 min' },
            { value: null, label: 'none', title: 'Cache without a TTL: only the next write can replace a value' },
          ],
        },
        { kind: 'slider', label: 'Database latency', action: 'dbLatency', param: 'ms', state: 'dbLatencyMs', min: 0, max: 1000, step: 50, unit: 'ms' },
      ],
      note: 'A new TTL applies to the next value stored; a value already cached keeps the TTL it was stored with.',
    },
  ],
  walkthrough: [
    {
      id: 'fill',
      title: 'Cache a profile',
      body: "A profile is what a page shows: the user's row and their posts. Reading it is cache-aside: GET `user:1:profile`, and on a miss query the user, then the posts, and SET the whole profile with a TTL.",
      task: 'Press "Read profile" for user 1.',
      run: [{ action: 'read', params: { userId: 1 } }],
      look: 'timeline',
      done: { kind: 'set', key: 'user:1:profile' },
    },
    {
      id: 'slow-db',
      title: 'Give the database a cost',
      body: 'Add database latency so every query costs what it would over a network. The difference between the strategies is counted in queries, and now each one shows.',
      task: 'Set the database latency to 100 ms.',
      run: [{ action: 'dbLatency', params: { ms: 100 } }],
      look: 'controls',
      done: { kind: 'setting', data: { name: 'dbLatency' } },
    },
    {
      id: 'write-through',
      title: 'Write through',
      body: 'A write-through write renames the user in the database, then rebuilds the profile (the posts query) and stores it. Three steps before the user gets an answer: watch them on the timeline and in the write-path panel.',
      task: 'Press "Write through".',
      run: [{ action: 'writeThrough', params: { userId: 1 } }],
      look: 'timeline',
      done: { kind: 'set', key: 'user:1:profile' },
    },
    {
      id: 'read-hits',
      title: 'Reads after a write hit',
      body: 'The cache already holds the new version, so the read is a hit: no query, and the oracle finds nothing stale. That is the promise of write-through.',
      task: 'Read the profile.',
      run: [{ action: 'read', params: { userId: 1 } }],
      look: 'inspector',
      done: { kind: 'hit', key: 'user:1:profile' },
    },
    {
      id: 'compare-delete',
      title: 'The same write with delete',
      body: 'Now the same rename with delete on write: UPDATE, then DEL. One query fewer, no value to build or send. Compare the two write latencies in the figures above.',
      task: 'Press "Write with delete".',
      run: [{ action: 'deleteOnWrite', params: { userId: 1 } }],
      look: 'charts',
      done: { kind: 'del', key: 'user:1:profile', src: 'app' },
    },
    {
      id: 'read-pays',
      title: 'The next reader rebuilds it',
      body: 'After the delete the read misses and does the rebuild itself: the user query and the posts query. Write-through did not remove that work, it moved it onto every write, read or not.',
      task: 'Read the profile.',
      run: [{ action: 'read', params: { userId: 1 } }],
      look: 'timeline',
      done: { kind: 'miss', key: 'user:1:profile' },
    },
    {
      id: 'start-clock',
      title: 'Start the clock',
      body: 'Write through once more. The new profile carries the TTL selected below (20 s unless you changed it), and the inspector counts it down. A value keeps the TTL it was stored with: changing the setting later does not shorten it.\n\nDo the next step before the countdown ends.',
      task: 'Press "Write through".',
      run: [{ action: 'writeThrough', params: { userId: 1 } }],
      look: 'inspector',
      done: { kind: 'set', key: 'user:1:profile' },
    },
    {
      id: 'cache-fails',
      title: 'The cache write fails after the commit',
      body: 'Make the next cache write fail and write through. The database commits, the SET fails on a dead connection, the error is logged and counted, and the request still succeeds: the rename is saved.\n\nNow read: a hit, fast and old. The oracle flags it stale and the inspector shows the cached version behind the database. Write-through has no second chance: nothing will fix this key until the next write to it, or the TTL.',
      task: 'Press "Make the next cache write fail", then "Write through", then "Read profile".',
      run: [
        { action: 'fault', params: { target: 'cache-write' } },
        { action: 'writeThrough', params: { userId: 1 } },
        { action: 'read', params: { userId: 1 } },
      ],
      look: 'inspector',
      done: { kind: 'stale-read', key: 'user:1:profile' },
    },
    {
      id: 'ttl-heals',
      title: 'The TTL bounds it',
      body: "Watch the countdown. When Redis expires the old profile, read again: a miss, a rebuild, the current version. The stale window lasted as long as the old value's TTL had left.",
      task: 'Wait for the key to expire, then press "Read profile".',
      run: [{ action: 'read', params: { userId: 1 } }],
      look: 'inspector',
      done: { kind: 'miss', key: 'user:1:profile' },
    },
    {
      id: 'no-ttl',
      title: 'Without a TTL',
      body: 'Pick "none" and do it again: write through once (the profile is stored without a TTL), make the next cache write fail, write through, read. The inspector shows "no TTL" and a stale clock that only the next successful write to this user will stop.',
      task: 'Pick TTL "none", press "Write through", "Make the next cache write fail", "Write through", then "Read profile".',
      run: [
        { action: 'setTtl', params: { seconds: null } },
        { action: 'writeThrough', params: { userId: 1 } },
        { action: 'fault', params: { target: 'cache-write' } },
        { action: 'writeThrough', params: { userId: 1 } },
        { action: 'read', params: { userId: 1 } },
      ],
      look: 'inspector',
      done: { kind: 'stale-read', key: 'user:1:profile' },
    },
  ],
  questions: [
    {
      id: 'write-through-worth-it',
      question: 'What is write-through caching and when is it worth its cost?',
      answer:
        'Every write updates the database and then the cache in the same request, so the cache holds the latest committed value and a read right after a write hits. The cost moves to the write path: each write rebuilds the value reads need and stores it, even if nobody reads it before the next write. It pays off for data that is read often soon after it changes; for write-heavy data, delete on write is cheaper.',
      tradeoff: 'Writes do more work and take longer; in return no reader pays a miss after a write.',
      demo: 'write-through-vs-delete',
    },
    {
      id: 'write-through-cache-failure',
      question: 'In write-through, what happens when the cache write fails after the database commit?',
      answer:
        "The data is saved, so the request should succeed: log the Redis error and count it. But the cache still holds the old value, and because write-through never reloads on its own, every reader gets that old value until the key's TTL runs out or the next write to it succeeds.",
      tradeoff:
        'Retrying the SET, or deleting the key, shortens the window only if Redis answers; the TTL is the bound that needs nothing to work.',
      demo: 'cache-write-fails',
    },
    {
      id: 'write-through-ttl',
      question: 'If write-through keeps the cache fresh, why still set a TTL?',
      answer:
        'Because one failed cache write leaves an old value that nothing else will replace. With a TTL it dies with the key; without one it is served until that user is written again. A TTL also removes profiles nobody reads any more, which write-through would otherwise keep forever.',
      tradeoff: 'A TTL costs an occasional miss and rebuild of values that had not changed.',
      demo: 'ttl-bounds-stale',
    },
  ],
  demos: [
    {
      id: 'write-through-vs-delete',
      title: 'Write-through does the rebuild on every write; delete on write leaves it to the next read',
      steps: [
        { do: { action: 'reset' } },
        { do: { action: 'dbLatency', params: { ms: 100 } } },
        { say: 'The database takes 100 ms per query. Cache the profiles of users 1 and 2.' },
        { do: { action: 'read', params: { userId: 1 } } },
        { do: { action: 'read', params: { userId: 2 } } },
        { say: 'Write user 1 through the cache.' },
        { phase: 'through-write' },
        { do: { action: 'writeThrough', params: { userId: 1 } } },
        { phase: 'through-read' },
        { do: { action: 'read', params: { userId: 1 } } },
        { say: 'Write user 2 with delete on write.' },
        { phase: 'delete-write' },
        { do: { action: 'deleteOnWrite', params: { userId: 2 } } },
        { phase: 'delete-read' },
        { do: { action: 'read', params: { userId: 2 } } },
      ],
      checks: [
        { text: 'The write-through write rebuilt the profile (a posts query) and stored it', measure: { match: { kind: 'set', key: 'user:1:profile', data: { version: 2 } }, phase: 'through-write' }, min: 1 },
        {
          text: 'The write-through write ran more queries than the delete-on-write write',
          left: { match: { kind: ['query', 'update'] }, phase: 'through-write' },
          op: 'gt',
          right: { match: { kind: ['query', 'update'] }, phase: 'delete-write' },
        },
        { text: 'The read after the write-through write hit', measure: { match: { kind: 'hit', key: 'user:1:profile' }, phase: 'through-read' }, min: 1 },
        { text: '…and queried nothing', measure: { match: { kind: 'query' }, phase: 'through-read' }, max: 0 },
        { text: 'The read after the delete missed and rebuilt the profile (two queries)', measure: { match: { kind: 'query' }, phase: 'delete-read' }, min: 2 },
        { text: 'Every read served the current version', measure: { match: { kind: ['stale-read', 'dirty-read'] } }, max: 0 },
      ],
    },
    {
      id: 'cache-write-fails',
      title: 'The cache write fails after the commit: the write succeeds, reads are stale until the TTL',
      steps: [
        { do: { action: 'reset' } },
        { do: { action: 'setTtl', params: { seconds: 3 } } },
        { say: "Cache user 1's profile with a 3 second TTL." },
        { do: { action: 'read', params: { userId: 1 } } },
        { say: 'Redis will fail the next cache write. Write user 1 through.' },
        { do: { action: 'fault', params: { target: 'cache-write' } } },
        { phase: 'failing' },
        { do: { action: 'writeThrough', params: { userId: 1 } } },
        { phase: 'stale' },
        { do: { action: 'read', params: { userId: 1 } } },
        { say: 'Wait for the TTL to end the old value.' },
        { waitFor: { kind: 'expired', src: 'redis' }, timeoutMs: 10_000 },
        { phase: 'healed' },
        { do: { action: 'read', params: { userId: 1 } } },
      ],
      checks: [
        { text: 'The database committed the write', measure: { match: { kind: 'update', data: { version: 2 } }, phase: 'failing' }, min: 1 },
        { text: 'The cache write after it failed', measure: { match: { kind: 'cache-error', key: 'user:1:profile' }, phase: 'failing' }, min: 1 },
        { text: 'The request still succeeded', measure: { match: { kind: 'response', data: { ok: true } }, phase: 'failing' }, min: 1 },
        { text: 'The next read served the old version', measure: { match: { kind: 'stale-read', key: 'user:1:profile' }, phase: 'stale' }, min: 1 },
        { text: 'After the TTL the read rebuilt the current version', measure: { match: { kind: 'set', key: 'user:1:profile', data: { version: 2 } }, phase: 'healed' }, min: 1 },
        { text: 'After the TTL nothing was stale', measure: { match: { kind: 'stale-read' }, phase: 'healed' }, max: 0 },
      ],
    },
    {
      id: 'ttl-bounds-stale',
      title: 'The same failed cache write, with and without a TTL',
      steps: [
        { do: { action: 'reset' } },
        { say: "Cache user 1's profile with a 3 second TTL, user 2's without one." },
        { do: { action: 'setTtl', params: { seconds: 3 } } },
        { do: { action: 'read', params: { userId: 1 } } },
        { do: { action: 'setTtl', params: { seconds: null } } },
        { do: { action: 'read', params: { userId: 2 } } },
        { say: 'Redis fails the next two cache writes: write both users through.' },
        { do: { action: 'fault', params: { target: 'cache-write', times: 2 } } },
        { do: { action: 'writeThrough', params: { userId: 1 } } },
        { do: { action: 'writeThrough', params: { userId: 2 } } },
        { waitFor: { kind: 'expired', src: 'redis' }, timeoutMs: 10_000 },
        { phase: 'after' },
        { say: "User 1's old profile has expired. Read both." },
        { do: { action: 'read', params: { userId: 1 } } },
        { do: { action: 'read', params: { userId: 2 } } },
      ],
      checks: [
        { text: 'Both cache writes failed', measure: { match: { kind: 'cache-error' } }, min: 2 },
        { text: 'With a TTL, the read is fresh again', measure: { match: { kind: 'stale-read', key: 'user:1:profile' }, phase: 'after' }, max: 0 },
        { text: 'Without a TTL, the old profile is still served', measure: { match: { kind: 'stale-read', key: 'user:2:profile' }, phase: 'after' }, min: 1 },
        { text: 'Only the profile with a TTL expired', measure: { match: { kind: 'expired', key: 'user:2:profile' } }, max: 0 },
      ],
    },
  ],
}
