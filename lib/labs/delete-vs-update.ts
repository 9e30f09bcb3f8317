/**
 * The delete vs update on write lab: the same write with two cache steps (delete the key, or store the new
 * value with a TTL), in the right order and the wrong one, with the database or Redis failing on cue.
 * Content only; the action schemas are in delete-vs-update-actions.ts, the engine side in
 * server/engine/labs/delete-vs-update.ts, the strategies in server/engine/strategies/.
 */
import type { LabSpec } from './types'
import type { LabStatValue, StrategyFigures, WriteTrace } from './write-figures'

export type WriteStrategy = 'delete' | 'update'
export type WriteOrder = 'db-first' | 'cache-first'

export const WRITE_STRATEGIES: readonly { id: WriteStrategy; label: string }[] = [
  { id: 'delete', label: 'Delete on write' },
  { id: 'update', label: 'Update on write' },
]

/**
 * The write-heavy burst: its bounds, the plan the button runs, and the longest it may take (it answers
 * before the browser gives up waiting, at 10 s).
 */
export const BURST = { maxOps: 200, maxUsers: 20, ops: 50, users: 5, readRatio: 0.1, maxMs: 8000 } as const

/** Bounds of this lab's TTL (seconds). */
export const DVU_TTL = { min: 1, max: 600, default: 20 } as const

export interface DeleteVsUpdateState {
  strategy: WriteStrategy
  order: WriteOrder
  ttlSeconds: number
  dbLatencyMs: number
  dbJitterMs: number
  /** A burst is running. */
  burst: boolean
  comparison: StrategyFigures[]
  lastWrite: WriteTrace | null
  counts: { dirtyReads: number; cacheFailures: number; failedDbWrites: number }
  stats: LabStatValue[]
}

export const deleteVsUpdateLab: LabSpec = {
  id: 'delete-vs-update',
  title: 'Delete vs update on write',
  tagline: 'The same write, two cache steps: delete the key or store the new value. Next-read latency, work per write, and what the order does when a step fails.',
  intro:
    'When a write changes a row, the cached copy must change too. You can delete the key, so the next read misses and loads the new row, or store the new value in the cache straight away. Both run here for real against Redis and Postgres: compare what the next read costs, what each write costs, and how much of the work update-on-write does is never read. Then make the database or Redis fail in the middle of a write and watch the order of the two steps decide whether cache and database still agree.',
  sources: [
    'server/engine/strategies/delete-on-write.ts',
    'server/engine/strategies/update-on-write.ts',
    'server/engine/strategies/write-path.ts',
    'server/engine/strategies/cache-aside-ttl.ts',
    'server/engine/labs/delete-vs-update.ts',
    'server/engine/labs/burst.ts',
  ],
  codeFor: {
    read: 'readUser',
    deleteOnWrite: 'deleteOnWrite',
    updateOnWrite: 'updateOnWrite',
    setOrder: 'writePlan',
    burst: 'burstPlan',
  },
  controls: [
    { kind: 'user' },
    {
      kind: 'group',
      label: 'Write strategy',
      controls: [
        {
          kind: 'choice',
          label: 'Cache step',
          action: 'setStrategy',
          param: 'strategy',
          state: 'strategy',
          options: [
            { value: 'delete', label: 'Delete on write', title: 'Update the row, then DEL the key: the next read misses and refills' },
            { value: 'update', label: 'Update on write', title: 'Update the row, then SET the new value with the TTL: the next read hits' },
          ],
        },
        {
          kind: 'choice',
          label: 'Order',
          action: 'setOrder',
          param: 'order',
          state: 'order',
          options: [
            { value: 'db-first', label: 'DB first', title: 'The right order: touch the cache only after the commit' },
            { value: 'cache-first', label: 'Cache first', title: 'The wrong order: the cache step runs before the database write' },
          ],
        },
      ],
    },
    {
      kind: 'group',
      label: 'Requests',
      controls: [
        { kind: 'button', label: 'Read user', action: 'read', params: { userId: '$user' } },
        { kind: 'button', label: 'Write user', action: 'write', params: { userId: '$user' }, variant: 'primary', title: 'Renames the user with the strategy and order above' },
        {
          kind: 'button',
          label: 'Write-heavy burst',
          action: 'burst',
          params: { ops: BURST.ops, users: BURST.users, readRatio: BURST.readRatio },
          title: `${BURST.ops} requests over users 1–${BURST.users}, one in ${Math.round(1 / BURST.readRatio)} a read, with the strategy above`,
        },
      ],
      note: `The burst sends ${BURST.ops} requests to users 1–${BURST.users}, nine writes for every read.`,
    },
    {
      kind: 'group',
      label: 'Faults',
      controls: [
        { kind: 'button', label: 'Make the next DB write fail', action: 'fault', params: { target: 'db-write' }, variant: 'danger', title: 'The database runs the next UPDATE and aborts it: nothing is committed' },
        { kind: 'button', label: 'Make the next cache write fail', action: 'fault', params: { target: 'cache-write' }, variant: 'danger', title: 'The next SET or DEL goes out on a Redis connection that is down' },
      ],
    },
    {
      kind: 'group',
      label: 'Settings',
      controls: [
        { kind: 'slider', label: 'TTL', action: 'setTtl', param: 'seconds', state: 'ttlSeconds', min: 1, max: 60, step: 1, unit: 's' },
        { kind: 'slider', label: 'Database latency', action: 'dbLatency', param: 'ms', state: 'dbLatencyMs', min: 0, max: 1000, step: 50, unit: 'ms' },
      ],
      note: 'Database latency is what a miss costs: raise it to see the next read after a delete pay for it.',
    },
  ],
  walkthrough: [
    {
      id: 'fill',
      title: 'Cache a user',
      body: 'Reads in this lab are plain cache-aside with a TTL: GET the key, and on a miss query the database and SET the row back.\n\nThe question of this lab is what a write should do to that cached copy.',
      task: 'Press "Read user" for user 1.',
      run: [{ action: 'read', params: { userId: 1 } }],
      look: 'timeline',
      done: { kind: 'set', key: 'user:1' },
    },
    {
      id: 'slow-db',
      title: 'Give the database a cost',
      body: 'On this machine the database answers in about a millisecond, so a miss looks free. Real databases over a network, under load, take tens or hundreds of milliseconds. Add latency so a miss costs what it would.',
      task: 'Set the database latency to 200 ms.',
      run: [{ action: 'dbLatency', params: { ms: 200 } }],
      look: 'controls',
      done: { kind: 'setting', data: { name: 'dbLatency' } },
    },
    {
      id: 'delete-write',
      title: 'Delete on write',
      body: 'With "Delete on write" selected, a write updates the row, then deletes `user:1`. The write stores nothing in the cache: cheap, and nothing can be stored wrong.',
      task: 'Press "Write user".',
      run: [{ action: 'setStrategy', params: { strategy: 'delete' } }, { action: 'write', params: { userId: 1 } }],
      look: 'timeline',
      done: { kind: 'del', key: 'user:1', src: 'app' },
    },
    {
      id: 'read-after-delete',
      title: 'The next reader pays',
      body: 'The key is gone, so the next read misses, waits for the database and refills the cache. That wait is the price of deleting: see "Next read after a delete" above the inspector.',
      task: 'Read user 1.',
      run: [{ action: 'read', params: { userId: 1 } }],
      look: 'charts',
      done: { kind: 'miss', key: 'user:1' },
    },
    {
      id: 'update-write',
      title: 'Update on write',
      body: 'Switch to "Update on write" and write again. After the database commits, the app stores the new row in Redis with the TTL. One command, like the delete, but it carries the whole value.',
      task: 'Pick "Update on write", then press "Write user".',
      run: [{ action: 'setStrategy', params: { strategy: 'update' } }, { action: 'write', params: { userId: 1 } }],
      look: 'controls',
      done: { kind: 'set', key: 'user:1' },
    },
    {
      id: 'read-after-update',
      title: 'The next read hits',
      body: 'The new value is already cached, so the read is a hit and never touches the database. The comparison table puts the two strategies side by side: next-read latency, commands and bytes per write.',
      task: 'Read user 1.',
      run: [{ action: 'read', params: { userId: 1 } }],
      look: 'timeline',
      done: { kind: 'hit', key: 'user:1' },
    },
    {
      id: 'burst',
      title: 'Write-heavy data',
      body: 'Now the case where updating hurts: nine writes for every read. Each update-on-write write stores a value; most are overwritten before anyone reads them. "Cache writes wasted" counts them. Run the burst with "Update on write", then with "Delete on write", and compare the bytes written and the wasted values.',
      task: 'Press "Write-heavy burst".',
      run: [{ action: 'burst', params: { ops: BURST.ops, users: BURST.users, readRatio: BURST.readRatio } }],
      look: 'charts',
      done: { kind: 'setting', data: { name: 'burst' } },
    },
    {
      id: 'db-fails',
      title: 'The database write fails: DB first',
      body: 'With the right order the app writes the database first and touches the cache only after the commit. Make the next database write fail: the database aborts it, the request fails, and the cache step never runs, so the cached value still matches the database.',
      task: 'Press "Make the next DB write fail", then "Write user".',
      run: [
        { action: 'setOrder', params: { order: 'db-first' } },
        { action: 'fault', params: { target: 'db-write' } },
        { action: 'write', params: { userId: 1 } },
      ],
      look: 'inspector',
      done: { kind: 'db-error', key: 'user:1' },
    },
    {
      id: 'cache-fails',
      title: 'Redis fails after the commit',
      body: 'Now the other failure: the database commits, then the delete or SET fails because Redis is unreachable. The data is saved, so the request succeeds; the error is logged and counted. The cache still holds the old value and serves it, stale, until its TTL runs out: the TTL is what cleans up.',
      task: 'Read user 1 so it is cached, press "Make the next cache write fail", write, then read again.',
      run: [
        { action: 'read', params: { userId: 1 } },
        { action: 'fault', params: { target: 'cache-write' } },
        { action: 'write', params: { userId: 1 } },
        { action: 'read', params: { userId: 1 } },
      ],
      look: 'inspector',
      done: { kind: 'stale-read', key: 'user:1' },
    },
    {
      id: 'wrong-order',
      title: 'The wrong order: cache first',
      body: 'Pick "Cache first" with "Update on write". The app stores the value it expects to commit, then writes the database. Make that write fail: the cache now holds a version the database never committed. Every reader gets it (the oracle marks it UNCOMMITTED, the inspector says "never committed") until the TTL ends it.\n\nDeleting first is milder when the write fails (only a needless miss), but on a successful write it leaves a gap in which another reader can cache the old row again.',
      task: 'Pick "Cache first" and "Update on write", make the next DB write fail, write, then read.',
      run: [
        { action: 'setOrder', params: { order: 'cache-first' } },
        { action: 'setStrategy', params: { strategy: 'update' } },
        { action: 'fault', params: { target: 'db-write' } },
        { action: 'write', params: { userId: 1 } },
        { action: 'read', params: { userId: 1 } },
      ],
      look: 'inspector',
      done: { kind: 'dirty-read', key: 'user:1' },
    },
  ],
  questions: [
    {
      id: 'delete-vs-update',
      question: "What's the difference between delete and update cache invalidation? Which should you use?",
      answer:
        'Both run after the database write. Delete removes the key, so the next read misses and reloads the row: the write is cheap and cannot store a wrong value, but the next reader waits for the database. Update stores the new value straight away, so the next read hits, but every write pays to build and send a value. Default to delete; update when reads right after a write are the rule and the value is cheap to build.',
      tradeoff:
        'Update also has a race of its own: two writers that finish out of order leave the older value cached until the TTL. A delete never stores a value itself.',
      demo: 'next-read-after-write',
    },
    {
      id: 'update-wastes-work',
      question: 'When does updating the cache on every write waste work?',
      answer:
        'When data is written more often than it is read. Every update-on-write write serializes and stores a value; if the key is written again, deleted or expires before anyone reads it, that work bought nothing. Delete on write stores nothing and lets the few reads that come fill the cache themselves.',
      tradeoff: 'With delete, each of those reads pays a miss; with update they are hits, bought with many more cache writes.',
      demo: 'write-heavy-waste',
    },
    {
      id: 'invalidate-on-db-failure',
      question: 'Should you invalidate the cache if the database update fails?',
      answer:
        'No. Touch the cache only after the database has committed. Then a failed write leaves the cache exactly as right as it was. Update the cache first and a failed write leaves a value the database never committed, served to everyone until the TTL. Deleting first costs only a needless miss on failure, but on success a reader can cache the old row again before the commit.',
      tradeoff: 'Database first leaves a short window where the database is new and the cache still old; the delete right after the commit closes it.',
      demo: 'db-write-fails',
    },
    {
      id: 'invalidation-failure',
      question: 'How do you handle cache invalidation failures?',
      answer:
        'The database is the source of truth and the cache step is best effort. If Redis fails after the commit, log the error, count it, and still answer the user: the data is saved. The old value stays cached until its TTL runs out, so the TTL bounds the damage. Alert on the error count, and for data that must not be stale, retry the delete or queue it.',
      tradeoff: 'Failing the request would tell the user a saved change was lost; succeeding means some readers see the old value for up to one TTL.',
      demo: 'invalidation-fails',
    },
  ],
  demos: [
    {
      id: 'next-read-after-write',
      title: 'After a delete the next read misses and pays the database; after an update it hits',
      steps: [
        { do: { action: 'reset' } },
        { do: { action: 'dbLatency', params: { ms: 150 } } },
        { say: 'The database now takes 150 ms. Cache users 1 and 2.' },
        { do: { action: 'read', params: { userId: 1 } } },
        { do: { action: 'read', params: { userId: 2 } } },
        { say: 'Write user 1 with delete on write, then read it.' },
        { do: { action: 'setStrategy', params: { strategy: 'delete' } } },
        { phase: 'delete-write' },
        { do: { action: 'write', params: { userId: 1 } } },
        { phase: 'after-delete' },
        { do: { action: 'read', params: { userId: 1 } } },
        { say: 'Write user 2 with update on write, then read it.' },
        { do: { action: 'setStrategy', params: { strategy: 'update' } } },
        { phase: 'update-write' },
        { do: { action: 'write', params: { userId: 2 } } },
        { phase: 'after-update' },
        { do: { action: 'read', params: { userId: 2 } } },
      ],
      checks: [
        { text: 'The delete-on-write write removed the key and stored nothing', measure: { match: { kind: 'set' }, phase: 'delete-write', of: 'count' }, max: 0 },
        { text: 'The update-on-write write stored the new value', measure: { match: { kind: 'set', key: 'user:2', data: { version: 2 } }, phase: 'update-write', of: 'count' }, min: 1 },
        { text: 'The read after the delete missed', measure: { match: { kind: 'miss', key: 'user:1' }, phase: 'after-delete' }, min: 1 },
        { text: 'The read after the update hit', measure: { match: { kind: 'hit', key: 'user:2' }, phase: 'after-update' }, min: 1 },
        {
          text: 'Only the read after the delete waited for the database',
          left: { match: { kind: 'query' }, phase: 'after-delete' },
          op: 'gt',
          right: { match: { kind: 'query' }, phase: 'after-update' },
        },
        { text: 'Both reads served the new version', measure: { match: { kind: ['stale-read', 'dirty-read'] } }, max: 0 },
      ],
    },
    {
      id: 'write-heavy-waste',
      title: 'Under a write-heavy load, update on write stores values nobody reads',
      steps: [
        { do: { action: 'reset' } },
        { say: `${BURST.ops} requests over users 1–${BURST.users}, nine writes for every read: first with delete on write.` },
        { do: { action: 'setStrategy', params: { strategy: 'delete' } } },
        { phase: 'burst-delete' },
        { do: { action: 'burst', params: { ops: BURST.ops, users: BURST.users, readRatio: BURST.readRatio } } },
        { phase: 'between' },
        { say: 'The same burst with update on write.' },
        { do: { action: 'setStrategy', params: { strategy: 'update' } } },
        { phase: 'burst-update' },
        { do: { action: 'burst', params: { ops: BURST.ops, users: BURST.users, readRatio: BURST.readRatio } } },
      ],
      checks: [
        { text: 'Update on write stored a value on each of the 45 writes', measure: { match: { kind: 'set' }, phase: 'burst-update' }, min: 45 },
        { text: '…and only 5 reads came to use them', measure: { match: { kind: 'hit' }, phase: 'burst-update' }, max: 5 },
        { text: 'Delete on write stored only what the 5 reads loaded', measure: { match: { kind: 'set' }, phase: 'burst-delete' }, max: 5 },
        {
          text: 'Update on write wrote many more values to Redis',
          left: { match: { kind: 'set' }, phase: 'burst-update' },
          op: 'gt',
          right: { match: { kind: 'set' }, phase: 'burst-delete' },
        },
        { text: 'With delete, each read after a write went to the database', measure: { match: { kind: 'query' }, phase: 'burst-delete' }, min: 5 },
        { text: 'With update, no read went to the database', measure: { match: { kind: 'query' }, phase: 'burst-update' }, max: 0 },
      ],
    },
    {
      id: 'db-write-fails',
      title: 'A failed database write: harmless in the right order, a never-committed value in the wrong one',
      steps: [
        { do: { action: 'reset' } },
        { say: 'DB first, update on write. Cache user 1, then make its next write fail.' },
        { do: { action: 'setStrategy', params: { strategy: 'update' } } },
        { do: { action: 'setOrder', params: { order: 'db-first' } } },
        { do: { action: 'read', params: { userId: 1 } } },
        { do: { action: 'fault', params: { target: 'db-write' } } },
        { phase: 'db-first' },
        { do: { action: 'write', params: { userId: 1 } } },
        { do: { action: 'read', params: { userId: 1 } } },
        { phase: 'between' },
        { say: 'Cache first, update on write: the app stores the value before the write, and the write fails.' },
        { do: { action: 'setOrder', params: { order: 'cache-first' } } },
        { do: { action: 'read', params: { userId: 2 } } },
        { do: { action: 'fault', params: { target: 'db-write' } } },
        { phase: 'update-first' },
        { do: { action: 'write', params: { userId: 2 } } },
        { do: { action: 'read', params: { userId: 2 } } },
        { phase: 'between-2' },
        { say: 'Cache first, delete on write: the key is deleted, then the write fails.' },
        { do: { action: 'setStrategy', params: { strategy: 'delete' } } },
        { do: { action: 'read', params: { userId: 3 } } },
        { do: { action: 'fault', params: { target: 'db-write' } } },
        { phase: 'delete-first' },
        { do: { action: 'write', params: { userId: 3 } } },
        { do: { action: 'read', params: { userId: 3 } } },
      ],
      checks: [
        { text: 'DB first: the write failed in the database', measure: { match: { kind: 'db-error', key: 'user:1' }, phase: 'db-first' }, min: 1 },
        { text: 'DB first: the cache was not touched', measure: { match: { kind: ['set', 'del'] }, phase: 'db-first' }, max: 0 },
        { text: 'DB first: the next read hit a value the database holds', measure: { match: { kind: ['stale-read', 'dirty-read'] }, phase: 'db-first' }, max: 0 },
        { text: 'Cache first, update: the read served a version the database never committed', measure: { match: { kind: 'dirty-read', key: 'user:2' }, phase: 'update-first' }, min: 1 },
        { text: 'Cache first, delete: no wrong value was served', measure: { match: { kind: ['stale-read', 'dirty-read'] }, phase: 'delete-first' }, max: 0 },
        { text: 'Cache first, delete: but the failed write still cost a miss', measure: { match: { kind: 'miss', key: 'user:3' }, phase: 'delete-first' }, min: 1 },
      ],
    },
    {
      id: 'invalidation-fails',
      title: 'Redis fails after the commit: the request succeeds, the error is counted, the TTL heals the cache',
      steps: [
        { do: { action: 'reset' } },
        { do: { action: 'setTtl', params: { seconds: 3 } } },
        { say: 'Cache user 1 with a 3 second TTL; delete on write, DB first.' },
        { do: { action: 'read', params: { userId: 1 } } },
        { say: 'Redis will fail the next cache write: the delete after the commit.' },
        { do: { action: 'fault', params: { target: 'cache-write' } } },
        { phase: 'failing' },
        { do: { action: 'write', params: { userId: 1 } } },
        { phase: 'stale' },
        { say: 'The cache still holds the old version.' },
        { do: { action: 'read', params: { userId: 1 } } },
        { say: 'Wait for the TTL.' },
        { waitFor: { kind: 'expired', src: 'redis' }, timeoutMs: 10_000 },
        { phase: 'healed' },
        { do: { action: 'read', params: { userId: 1 } } },
      ],
      checks: [
        { text: 'The delete after the commit failed', measure: { match: { kind: 'cache-error', key: 'user:1' }, phase: 'failing' }, min: 1 },
        { text: 'The write still succeeded', measure: { match: { kind: 'response', data: { ok: true } }, phase: 'failing' }, min: 1 },
        { text: 'No request failed', measure: { match: { kind: 'response', data: { ok: false } } }, max: 0 },
        { text: 'Until the TTL ran out, reads were stale', measure: { match: { kind: 'stale-read', key: 'user:1' }, phase: 'stale' }, min: 1 },
        { text: 'Redis expired the key', measure: { match: { kind: 'expired', key: 'user:1', src: 'redis' } }, min: 1 },
        { text: 'After the expiry the read loaded the new version', measure: { match: { kind: 'set', key: 'user:1', data: { version: 2 } }, phase: 'healed' }, min: 1 },
        { text: 'After the expiry nothing was stale', measure: { match: { kind: 'stale-read' }, phase: 'healed' }, max: 0 },
      ],
    },
  ],
}
