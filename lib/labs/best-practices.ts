/**
 * The best-practices lab: four habits, each shown with a measured outcome on the real Redis and database.
 * - Partial failures: Redis down for this room (refused or frozen), the database slow or failing; reads
 *   fall back, writes succeed, failed invalidations are logged and counted, and the app recovers by itself.
 * - Always set a TTL: the same missed invalidation with and without a TTL, and the keyspace of two arms
 *   (with and without a TTL) measured in Redis's own figures.
 * - Combine strategies: write-through, an event to the other servers and a TTL; a fault in each layer in turn.
 * - Monitor invalidations: rates from the room's own /metrics lines.
 * Content and the shapes the engine publishes; action schemas in best-practices-actions.ts, the engine's
 * side in server/engine/labs/best-practices.ts.
 */
import type { LabSpec } from './types'

export const REDIS_MODES = ['up', 'refused', 'frozen'] as const
export type RedisMode = (typeof REDIS_MODES)[number]

/** TTLs the controls offer for the user keys of the partial-failure section, seconds (null: none). */
export const BP_TTLS = [5, 10, 30, null] as const
export const DEFAULT_TTL_SECONDS = 10
/** The TTL of the with-TTL arm of the comparison (seconds). */
export const ARM_TTL_SECONDS = 5
/** Users of the missed-invalidation comparison: one cached with a TTL, one without. */
export const ARM_USERS = { ttl: 1, nottl: 2 } as const
/** Posts the keyspace load reads (every seeded post of the room). */
export const CHURN_POSTS = 500
/** The combined strategy's TTLs (seconds), short so a run ends in seconds. */
export const COMBINED_TTL = { redis: 4, l1: 2 } as const
/** The faults the combined strategy is run with, one layer at a time. */
export const COMBINED_FAULTS = ['none', 'write-through', 'event', 'no-ttl', 'no-ttl+write-through'] as const
export type CombinedFault = (typeof COMBINED_FAULTS)[number]

export const FAULT_INFO: Record<CombinedFault, { label: string; detail: string }> = {
  none: { label: 'No fault', detail: 'all three layers work' },
  'write-through': { label: 'Write-through fails', detail: "the writer's SET to Redis fails after the commit" },
  event: { label: 'Event lost', detail: "app2's subscriber is down when the change is published" },
  'no-ttl': { label: 'No TTL', detail: 'copies are cached without a TTL; the other layers work' },
  'no-ttl+write-through': { label: 'No TTL and write-through fails', detail: 'no safety net under a failed SET' },
}

/** One run of the combined strategy with one fault, as measured. */
export interface CombinedRow {
  fault: CombinedFault
  staleReads: number
  /** From the write to the last stale read, ms (0: none). */
  staleWindowMs: number
  /** Reads were fresh again by the end of the run. */
  freshAtEnd: boolean
  savedBy: 'write-through and event' | 'L1 TTL' | 'Redis TTL' | 'nothing'
}

/** One side of the missed-invalidation comparison, as last looked at. */
export interface ArmStatus {
  arm: 'ttl' | 'nottl'
  key: string
  ttlSeconds: number | null
  /** The version Redis holds (null: no key). */
  cached: number | null
  /** The version the database holds. */
  truth: number | null
  /** Time left on the key, ms (null: no TTL or no key). */
  ttlLeftMs: number | null
  /** When the cached copy went stale (ms since the epoch), null while it is fresh or absent. */
  staleSince: number | null
}

export interface KeyspaceFigures {
  ttl: { keys: number; bytes: number }
  nottl: { keys: number; bytes: number }
  usedMemory: number | null
}

/** What the partial-failure section has seen since the reset. */
export interface HealthFigures {
  reads: number
  /** Reads the database answered because Redis failed. */
  fallbacks: number
  failedReads: number
  writes: number
  failedWrites: number
  /** Invalidations (DEL after a commit) that failed: logged, counted, the request still succeeded. */
  failedInvalidations: number
  /** The last few failed invalidations, newest first. */
  log: { at: number; key: string; detail: string }[]
  /** Read latency while Redis was not up, ms. */
  downP50: number | null
  downP99: number | null
  downMax: number | null
  /** When Redis last came back, and how long after that the first cache hit came (ms). */
  recoveredAt: number | null
  firstHitAfterMs: number | null
}

export interface BestPracticesState {
  redis: RedisMode
  dbFailing: boolean
  ttlSeconds: number | null
  load: { rps: number; writeRatio: number }
  churn: { rps: number }
  health: HealthFigures
  arms: ArmStatus[]
  keyspace: KeyspaceFigures | null
  combined: { running: CombinedFault | null; rows: CombinedRow[] }
  /** This room's lines of GET /metrics, as last scraped. */
  metrics: string[]
  stats: { label: string; value: string | number; hint?: string; warn?: boolean }[]
  dbLatencyMs: number
  dbJitterMs: number
}

/** Gauge names the engine samples (the charts draw them). */
export const BP_GAUGES = {
  ttlKeys: 'with TTL keys',
  ttlBytes: 'with TTL memory',
  nottlKeys: 'no TTL keys',
  nottlBytes: 'no TTL memory',
  usedMemory: 'used_memory',
  invalidations: 'invalidations/s',
  hitRatio: 'hit ratio',
  staleReads: 'stale reads/s',
  cacheErrors: 'cache errors/s',
} as const

export const bestPracticesLab: LabSpec = {
  id: 'best-practices',
  title: 'Best practices',
  tagline:
    'Cut Redis for your room and keep serving; miss an invalidation with and without a TTL; fault each layer of a combined strategy; watch it all on a /metrics dashboard.',
  intro:
    "Caches fail in ordinary ways: Redis restarts, a network stalls, a delete is forgotten, a message is lost. This lab turns each of those into something you can cause and measure. Redis goes down for your room only (your app servers' connections are really cut or frozen, nobody else notices), the database slows down or fails, an invalidation is missed with and without a TTL, and a combined strategy loses one layer at a time. The numbers come from the same counters the server exports at GET /metrics.",
  sources: [
    'server/engine/strategies/fallback-read.ts',
    'server/engine/strategies/delete-on-write.ts',
    'server/engine/strategies/layered.ts',
    'server/engine/strategies/keyspace-arms.ts',
    'server/engine/labs/best-practices-monitor.ts',
    'server/engine/redis-proxy.ts',
    'server/redis/connections.ts',
    'server/engine/labs/best-practices.ts',
  ],
  // In a classroom each Fire is a read: the host cuts Redis and the class sees every read still answered.
  classAction: { action: 'read', params: { userId: 1, server: 1 } },
  codeFor: {
    read: 'readWithFallback',
    write: 'deleteOnWrite',
    combine: 'writeLayered',
    combineAll: 'writeLayered',
    churn: 'readArmPost',
    measure: 'measureArms',
  },
  controls: [
    { kind: 'user', label: 'User' },
    {
      kind: 'group',
      label: 'Requests',
      controls: [
        {
          kind: 'button',
          label: 'Read user',
          action: 'read',
          params: { userId: '$user', server: 1 },
          variant: 'primary',
        },
        { kind: 'button', label: 'Write user', action: 'write', params: { userId: '$user', server: 1 } },
        { kind: 'button', label: 'Read on app2', action: 'read', params: { userId: '$user', server: 2 } },
      ],
      note: 'A read is cache-aside with the TTL below and falls back to the database when Redis fails; a write updates the database, then deletes the key.',
    },
    {
      kind: 'choice',
      label: 'Redis for this room',
      action: 'redis',
      param: 'mode',
      state: 'redis',
      options: [
        { value: 'up', label: 'up' },
        {
          value: 'refused',
          label: 'down (refused)',
          title: 'Connections are cut and new ones refused: commands fail at once',
        },
        {
          value: 'frozen',
          label: 'frozen',
          title: 'Connections stay open but nothing comes back: commands time out after 200 ms',
        },
      ],
    },
    {
      kind: 'group',
      label: 'Database',
      controls: [
        {
          kind: 'choice',
          label: 'Database state',
          action: 'dbFailing',
          param: 'on',
          state: 'dbFailing',
          options: [
            { value: false, label: 'working' },
            { value: true, label: 'failing', title: 'Every statement of this room fails in the database' },
          ],
        },
        {
          kind: 'slider',
          label: 'Database latency',
          action: 'dbLatency',
          param: 'ms',
          state: 'dbLatencyMs',
          min: 0,
          max: 1000,
          step: 50,
          unit: 'ms',
        },
      ],
    },
    {
      kind: 'choice',
      label: 'TTL for user keys',
      action: 'setTtl',
      param: 'seconds',
      state: 'ttlSeconds',
      options: BP_TTLS.map((s) => ({ value: s, label: s === null ? 'none' : `${s} s` })),
    },
    {
      kind: 'choice',
      label: 'Load (users 1–10, 20% writes, both servers)',
      action: 'load',
      param: 'rps',
      state: 'load.rps',
      params: { writeRatio: 0.2 },
      options: [
        { value: 0, label: 'off' },
        { value: 5, label: '5 / s' },
        { value: 20, label: '20 / s' },
      ],
    },
  ],
  walkthrough: [
    {
      id: 'baseline',
      title: 'A cache that works',
      body: 'Two app servers share one Redis and one database. A read is plain cache-aside: GET `user:<id>`, and on a miss query the database and SET the row with a 10 s TTL. Start a steady load so there is always something to watch.',
      task: 'Pick "5 / s" under Load.',
      run: [{ action: 'load', params: { rps: 5, writeRatio: 0.2 } }],
      look: 'timeline',
      done: { kind: 'setting', data: { name: 'load' } },
    },
    {
      id: 'frozen',
      title: 'Redis stops answering',
      body: "Freeze Redis for your room. Your room's app servers reach Redis through a small proxy, and the proxy now lets their connections stay open while nothing comes back: a Redis stalled by a long command, or a network dropping packets. The Redis server itself keeps running for every other room.\n\nA client with default settings waits (ioredis queues commands while it is offline; a GET once waited 73 s). Ours gives up after 200 ms of silence and the read goes to the database. After that the client is reconnecting and refuses new commands at once, so only the first reads pay the 200 ms.",
      task: 'Pick "Frozen" in the "Partial failures" panel, and read a user.',
      run: [
        { action: 'redis', params: { mode: 'frozen' } },
        { action: 'read', params: { userId: 2, server: 1 } },
      ],
      look: 'panels',
      done: { kind: 'cache-error' },
    },
    {
      id: 'redis-down',
      title: 'Redis down: connections refused',
      body: 'Now cut Redis instead: the proxy drops the connections and refuses new ones, as a crashed Redis would. Each GET fails at once with a `cache-error` and the read goes to the database. Nothing queues and nothing waits: the clients are fail-fast (no offline queue, no retries per request), so a read costs about what its query costs.',
      task: 'Pick "Down".',
      run: [{ action: 'redis', params: { mode: 'refused' } }],
      look: 'panels',
      done: {
        kind: 'fault',
        data: { name: 'redis', on: true, detail: "this room's connections to Redis are cut and refused" },
      },
    },
    {
      id: 'writes-still-work',
      title: 'Writes still succeed',
      body: 'A write commits to the database first, then deletes the cached key. The delete fails now. That failure is logged and counted, and the write still answers "ok": the database is the source of truth, and the data is saved.\n\nThe cost is a key that should have been deleted and was not. That is what the TTL is for.',
      task: 'Press "Write user" for user 1.',
      run: [{ action: 'write', params: { userId: 1, server: 1 } }],
      look: 'panels',
      done: { kind: 'update', key: 'user:1' },
    },
    {
      id: 'recovery',
      title: 'Redis comes back; the TTL cleans up',
      body: "Bring Redis back. Nobody restarts anything: the clients reconnect on their own (their retry waits at most 2 s) and reads hit again.\n\nA key whose delete failed during the outage may now be served stale: the oracle marks those reads as `stale-read`. They stop when the key's TTL runs out and Redis expires it. Without a TTL they would never stop.",
      task: 'Pick "up".',
      run: [{ action: 'redis', params: { mode: 'up' } }],
      look: 'panels',
      done: { kind: 'hit' },
    },
    {
      id: 'db-failing',
      title: 'The database fails',
      body: 'Now the other side. Make the database fail: every statement of this room is refused by the database itself. Reads that hit the cache are untouched; only misses fail. And a write that fails never deletes the key: the cached value still matches what the database holds, so there is nothing to invalidate.',
      task: 'Make the database fail in the "Partial failures" panel, and watch the timeline.',
      run: [{ action: 'dbFailing', params: { on: true } }],
      look: 'timeline',
      done: { kind: 'db-error' },
    },
    {
      id: 'db-working',
      title: 'And a slow one',
      body: 'Bring the database back and stop the load. A slow database (the latency slider) shows the same shield more gently: hits stay fast and only misses pay the latency.',
      task: 'Pick "working", then turn the load off.',
      run: [
        { action: 'dbFailing', params: { on: false } },
        { action: 'load', params: { rps: 0, writeRatio: 0.2 } },
      ],
      look: 'controls',
      done: { kind: 'setting', data: { name: 'load' } },
    },
    {
      id: 'missed',
      title: 'The same missed invalidation, with and without a TTL',
      body: 'User 1 is cached with a 5 s TTL, user 2 without one. Both rows change in the database and, as happens with a forgotten delete or a lost message, neither key is invalidated. Both are now stale.',
      task: 'Press "Miss an invalidation" in the "Always set a TTL" panel.',
      run: [{ action: 'missed' }],
      look: 'panels',
      done: { kind: 'stale-read', key: 'user:2' },
    },
    {
      id: 'missed-after',
      title: 'One heals, one never will',
      body: 'Within 5 s Redis expires `user:1` and the next read loads the new row. `user:2` has no TTL: it stays stale until someone writes it again, which may be never.',
      task: 'Wait for user:1 to expire, then press "Read both".',
      run: [{ action: 'readArms' }],
      look: 'panels',
      done: { kind: 'expired', key: 'user:1' },
    },
    {
      id: 'keyspace',
      title: 'Without a TTL the keyspace only grows',
      body: "The same reads of posts fill two arms: `ttl:post:<id>` with a 5 s TTL, `nottl:post:<id>` without. The chart is Redis's own MEMORY USAGE of each arm. The TTL arm levels off at the posts read in the last 5 s; the other keeps every post ever read.",
      task: 'Press "Start post reads" in the panel, wait ten seconds, then stop them.',
      run: [{ action: 'churn', params: { rps: 20 } }],
      look: 'panels',
      done: { kind: 'gauge', data: { name: 'no TTL keys' } },
    },
    {
      id: 'combined',
      title: 'Three layers, one fault at a time',
      body: 'Write-through keeps Redis fresh; an event (Pub/Sub) tells the other server to drop its in-process copy; a TTL on every copy catches what the other two miss. Run each fault: a failed write-through is ended by the Redis TTL, a lost event by the L1 TTL, and without TTLs a failed write-through is never ended.',
      task: 'Press "Run all faults" in the "Combine strategies" panel (about 45 s).',
      run: [{ action: 'combineAll', params: { detach: true } }],
      look: 'panels',
      done: { kind: 'setting', data: { name: 'combined' } },
    },
    {
      id: 'monitor',
      title: 'Watch it like production',
      body: "The dashboard reads this room's lines of the server's Prometheus text once a second (what a Prometheus server scrapes at GET /metrics: per room with the operator's token, totals over all rooms without it, so no room id leaks) and draws the rates: invalidations per second, hit ratio, stale reads and cache errors. An outage shows as errors up and the hit ratio down; a missed invalidation as stale reads.",
      look: 'panels',
    },
  ],
  questions: [
    {
      id: 'bp-why-always-ttl',
      question: 'Why set a TTL even when you invalidate on every write?',
      answer:
        'Because invalidation is code, and code gets skipped: a delete fails while Redis is down, a message is lost, a new write path forgets it. A TTL turns each of those from "stale for ever" into "stale for at most the TTL". It also bounds memory: keys nobody reads again leave on their own.',
      tradeoff:
        'A shorter TTL bounds staleness tighter but reloads hot keys more often; pick it from how long a stale value is acceptable.',
      demo: 'missed-invalidation-ttl',
    },
    {
      id: 'bp-cache-without-ttl',
      question: 'When is it fine to cache without a TTL?',
      answer:
        'When the data cannot change without something that clears it: reference data that ships with a deploy, or values under a versioned key that is swept when the version moves. Even then the set must be small and bounded, because without a TTL the cache keeps every key ever read: the keyspace grows to the size of the data set, not of what is being used.',
      tradeoff:
        'No TTL means no reload traffic and no expiry misses, but any missed invalidation is permanent and memory is only reclaimed by eviction or by hand.',
      demo: 'keyspace-grows',
    },
    {
      id: 'bp-versioning-needs-ttl',
      question: 'How does key versioning depend on TTLs?',
      answer:
        'Bumping a version (v1:user:1 to v2:user:1) invalidates by no longer asking for the old names; nothing deletes them. So the old generation is exactly like keys cached without a TTL that nobody reads: it holds memory until a TTL ends it or a sweep removes it. The key-versioning lab shows the bump; here, the arm without a TTL shows what an old generation does.',
      tradeoff:
        'Versioning is instant and race-free, paid for with a cold cache after the bump and a second copy in memory until the TTL.',
      demo: 'unread-keys-stay',
    },
    {
      id: 'bp-invalidation-failures',
      question: 'How do you handle cache invalidation failures, and Redis going down?',
      answer:
        'Treat the cache as optional on every path. The database write decides the request; the delete after it is best effort: if it fails, log it, count it, and answer ok. Reads fall back to the database when Redis errors, with client settings that fail fast (no offline queue, no per-request retries, a short socket timeout) so an outage costs milliseconds, not minutes. The TTL removes whatever a failed delete left behind once Redis is back.',
      tradeoff:
        'Failing open keeps the site up but sends every read to the database during the outage, so the database must be able to take it (or reads must be shed).',
      demo: 'redis-down',
    },
    {
      id: 'bp-db-failing',
      question: 'What does the cache do for you when the database is slow or failing?',
      answer:
        'It shields reads: hits never touch the database, so they stay fast and keep working; only misses see the latency or the error. And writes must not invalidate when they fail: delete only after a successful commit, or a failed write throws away a value that was still correct and sends the next reader to a database that is already struggling.',
      tradeoff: 'A long TTL shields more reads during a database outage but serves older data the rest of the time.',
      demo: 'db-failing',
    },
    {
      id: 'bp-combine',
      question: 'How do you combine invalidation strategies, and why?',
      answer:
        'Layer them so each covers a different failure: write-through keeps the shared cache fresh, an event tells other servers to drop their local copies, and a TTL on every copy bounds whatever those two miss. Fault one layer and another takes over: a failed write-through is ended by the Redis TTL, a lost event by the local TTL. Take the TTL away and a single failure is permanent.',
      tradeoff:
        'More layers, more moving parts: each needs its own monitoring, and the TTL still decides the worst case.',
      demo: 'combined-layers',
    },
    {
      id: 'bp-monitoring',
      question: 'How do you monitor cache invalidation?',
      answer:
        "Count everything the cache does and export it: invalidations, hits and misses, cache errors, and if you can, stale reads (compare a served version with the database's). Watch rates, not totals: invalidations per second tracks write traffic, a rising error rate means Redis trouble, a falling hit ratio means the cache is not helping, and stale reads mean invalidation is failing somewhere.",
      tradeoff:
        'Counters are cheap; measuring staleness needs versions on every value and a source of truth to compare with.',
      demo: 'monitor',
    },
  ],
  demos: [
    {
      id: 'redis-down',
      title: 'Redis down for the room: reads fall back, writes succeed, failures are counted, the TTL cleans up',
      steps: [
        { do: { action: 'reset' } },
        { say: 'Cache user 1 with a 10 s TTL.' },
        { do: { action: 'read', params: { userId: 1, server: 1 } } },
        { phase: 'down' },
        { say: "Freeze Redis for this room's app servers (connections open, no answers) and read on both." },
        { do: { action: 'redis', params: { mode: 'frozen' } } },
        { do: { action: 'read', params: { userId: 1, server: 1 } } },
        { do: { action: 'read', params: { userId: 1, server: 2 } } },
        { say: 'Cut Redis instead (connections refused), then write and read.' },
        { do: { action: 'redis', params: { mode: 'refused' } } },
        { do: { action: 'write', params: { userId: 1, server: 1 } } },
        { do: { action: 'read', params: { userId: 2, server: 1 } } },
        { phase: 'back' },
        { say: 'Bring Redis back and give the clients a moment to reconnect on their own.' },
        { do: { action: 'redis', params: { mode: 'up' } } },
        { sleepMs: 2500 },
        { do: { action: 'read', params: { userId: 1, server: 1 } } },
        { say: "The delete that failed left user 1's old value in Redis: wait for its TTL." },
        { waitFor: { kind: 'expired', key: 'user:1' }, timeoutMs: 12_000 },
        { phase: 'cleaned' },
        { do: { action: 'read', params: { userId: 1, server: 1 } } },
        { do: { action: 'read', params: { userId: 1, server: 2 } } },
      ],
      checks: [
        {
          text: 'While Redis was down, every request answered ok',
          measure: { match: { kind: 'response', data: { ok: false } }, phase: 'down' },
          max: 0,
        },
        {
          text: 'The reads were answered by the database',
          measure: { match: { kind: 'response', data: { ok: true, from: 'db' } }, phase: 'down' },
          min: 4,
        },
        {
          text: 'The cache failures were recorded (GETs and the delete)',
          measure: { match: { kind: 'cache-error' }, phase: 'down' },
          min: 4,
        },
        {
          text: 'The write was committed',
          measure: { match: { kind: 'update', key: 'user:1' }, phase: 'down' },
          min: 1,
        },
        { text: 'Its delete failed: nothing was deleted', measure: { match: { kind: 'del' }, phase: 'down' }, max: 0 },
        {
          text: 'Back up, the app reconnected by itself and hit the cache, serving the value the failed delete left',
          measure: { match: { kind: 'stale-read', key: 'user:1' }, phase: 'back' },
          min: 1,
        },
        {
          text: 'Redis expired that key on its TTL',
          measure: { match: { kind: 'expired', key: 'user:1', src: 'redis' }, phase: 'back' },
          min: 1,
        },
        {
          text: 'After the expiry, reads were fresh again',
          measure: { match: { kind: 'stale-read' }, phase: 'cleaned' },
          max: 0,
        },
        {
          text: 'and the cache was refilled and hit',
          measure: { match: { kind: 'hit', key: 'user:1' }, phase: 'cleaned' },
          min: 1,
        },
      ],
    },
    {
      id: 'db-failing',
      title: 'A failing database: cached reads keep working, a failed write invalidates nothing',
      steps: [
        { do: { action: 'reset' } },
        { say: 'Cache user 4.' },
        { do: { action: 'read', params: { userId: 4, server: 1 } } },
        { phase: 'failing' },
        { say: 'The database starts failing every statement.' },
        { do: { action: 'dbFailing', params: { on: true } } },
        { do: { action: 'read', params: { userId: 4, server: 1 } } },
        { do: { action: 'write', params: { userId: 4, server: 1 } } },
        { do: { action: 'read', params: { userId: 4, server: 2 } } },
        { do: { action: 'read', params: { userId: 5, server: 1 } } },
        { phase: 'back' },
        { do: { action: 'dbFailing', params: { on: false } } },
        { do: { action: 'read', params: { userId: 4, server: 1 } } },
      ],
      checks: [
        {
          text: 'Reads of the cached user hit while the database failed',
          measure: { match: { kind: 'hit', key: 'user:4' }, phase: 'failing' },
          min: 2,
        },
        {
          text: 'The database refused the write and the uncached read',
          measure: { match: { kind: 'db-error' }, phase: 'failing' },
          min: 2,
        },
        { text: 'The failed write deleted nothing', measure: { match: { kind: 'del' }, phase: 'failing' }, max: 0 },
        {
          text: 'The uncached read failed',
          measure: { match: { kind: 'response', key: 'user:5', data: { ok: false } }, phase: 'failing' },
          min: 1,
        },
        {
          text: 'No read was stale: the cache still matched the database',
          measure: { match: { kind: 'stale-read' } },
          max: 0,
        },
        {
          text: 'Afterwards the cached value was still there',
          measure: { match: { kind: 'hit', key: 'user:4' }, phase: 'back' },
          min: 1,
        },
      ],
    },
    {
      id: 'missed-invalidation-ttl',
      title: 'The same missed invalidation: with a TTL it heals, without one it never does',
      steps: [
        { do: { action: 'reset' } },
        { say: 'User 1 cached with a 5 s TTL, user 2 without; both rows change; no key is invalidated.' },
        { phase: 'stale' },
        { do: { action: 'missed' } },
        { say: 'Read both again on app2: still stale, user 1 until its TTL ends it.' },
        { do: { action: 'read', params: { userId: 1, server: 2 } } },
        { do: { action: 'read', params: { userId: 2, server: 2 } } },
        { waitFor: { kind: 'expired', key: 'user:1' }, timeoutMs: 10_000 },
        { phase: 'after' },
        { say: 'Read both again, three times.' },
        // Three reads, not two: on a loaded machine a read can give up on Redis (200 ms) and answer fresh
        // from the database, which says nothing about the key; user 2's key is still the stale copy.
        { do: { action: 'readArms' } },
        { sleepMs: 1000 },
        { do: { action: 'readArms' } },
        { sleepMs: 500 },
        { do: { action: 'readArms' } },
      ],
      checks: [
        {
          text: 'Both users were read stale after the missed invalidation',
          measure: { match: { kind: 'stale-read', key: 'user:1' }, phase: 'stale' },
          min: 1,
        },
        { text: '(user 2 too)', measure: { match: { kind: 'stale-read', key: 'user:2' }, phase: 'stale' }, min: 1 },
        {
          text: "Redis expired user 1's key on its TTL",
          measure: { match: { kind: 'expired', key: 'user:1', src: 'redis' } },
          min: 1,
        },
        {
          text: 'After that, user 1 was read fresh',
          measure: { match: { kind: 'stale-read', key: 'user:1' }, phase: 'after' },
          max: 0,
        },
        {
          text: 'User 2, with no TTL, was still stale (read stale at least twice)',
          measure: { match: { kind: 'stale-read', key: 'user:2' }, phase: 'after' },
          min: 2,
        },
        { text: "User 2's key never expired", measure: { match: { kind: 'expired', key: 'user:2' } }, max: 0 },
      ],
    },
    {
      id: 'keyspace-grows',
      title: 'Without a TTL the keyspace keeps every key ever read; with one it empties itself',
      steps: [
        { do: { action: 'reset' } },
        { say: 'Read random posts into both arms, 20 a second, for 6 s.' },
        { do: { action: 'churn', params: { rps: 20 } } },
        { sleepMs: 6000 },
        { do: { action: 'churn', params: { rps: 0 } } },
        { do: { action: 'measure' } },
        { phase: 'later' },
        { say: 'Stop reading, and look again 7 s later.' },
        { sleepMs: 7000 },
        { do: { action: 'measure' } },
      ],
      checks: [
        {
          text: 'Redis reported the arm without a TTL holding keys',
          measure: { match: { kind: 'gauge', data: { name: 'no TTL keys' } } },
          min: 1,
        },
        {
          text: 'Long after the reads stopped, the arm without a TTL held more keys than the one with a TTL',
          left: {
            match: { kind: 'gauge', data: { name: 'no TTL keys' } },
            phase: 'later',
            of: 'median',
            field: 'value',
          },
          op: 'gt',
          right: {
            match: { kind: 'gauge', data: { name: 'with TTL keys' } },
            phase: 'later',
            of: 'median',
            field: 'value',
          },
        },
        {
          text: 'The arm with a TTL emptied itself',
          measure: { match: { kind: 'gauge', data: { name: 'with TTL keys', value: 0 } }, phase: 'later' },
          min: 1,
        },
        {
          text: 'The arm without a TTL lost no key',
          measure: { match: { kind: 'gauge', data: { name: 'no TTL keys', value: 0 } }, phase: 'later' },
          max: 0,
        },
      ],
    },
    {
      id: 'unread-keys-stay',
      title: 'Keys nobody reads any more: with a TTL they leave, without one they stay (an old generation)',
      steps: [
        { do: { action: 'reset' } },
        { say: 'Cache posts in both arms for 3 s, then stop reading them, as an app stops reading v1 after a bump.' },
        { do: { action: 'churn', params: { rps: 20 } } },
        { sleepMs: 3000 },
        { do: { action: 'churn', params: { rps: 0 } } },
        { phase: 'unread' },
        { say: 'Nobody reads either arm now. Look again after 6 s.' },
        { sleepMs: 6000 },
        { do: { action: 'measure' } },
      ],
      checks: [
        {
          text: 'The keys with a TTL left on their own',
          measure: { match: { kind: 'gauge', data: { name: 'with TTL keys', value: 0 } }, phase: 'unread' },
          min: 1,
        },
        {
          text: 'The keys without one were all still there, unread',
          measure: { match: { kind: 'gauge', data: { name: 'no TTL keys', value: 0 } }, phase: 'unread' },
          max: 0,
        },
        {
          text: 'and still held memory',
          measure: {
            match: { kind: 'gauge', data: { name: 'no TTL memory' } },
            phase: 'unread',
            of: 'max',
            field: 'value',
          },
          min: 1,
        },
      ],
    },
    {
      id: 'combined-layers',
      title: 'Write-through, an event and a TTL: fault each layer and see which one saves consistency',
      steps: [
        { do: { action: 'reset' } },
        { phase: 'write-through' },
        { say: 'The write-through SET fails after the commit.' },
        { do: { action: 'combine', params: { fault: 'write-through' } } },
        { phase: 'event' },
        { say: "app2's subscriber is down when the change is published." },
        { do: { action: 'combine', params: { fault: 'event' } } },
        { phase: 'no-ttl' },
        { say: 'No TTL anywhere, and the write-through SET fails.' },
        { do: { action: 'combine', params: { fault: 'no-ttl+write-through' } } },
      ],
      checks: [
        {
          text: 'A failed write-through left stale reads',
          measure: { match: { kind: 'stale-read', key: 'user:3' }, phase: 'write-through' },
          min: 1,
        },
        {
          text: 'until Redis expired the key on its TTL',
          measure: { match: { kind: 'expired', key: 'user:3', src: 'redis' }, phase: 'write-through' },
          min: 1,
        },
        {
          text: 'A lost event left app2 stale',
          measure: { match: { kind: 'stale-read', node: 'app2' }, phase: 'event' },
          min: 1,
        },
        {
          text: 'while app1, told by the write itself, never was',
          measure: { match: { kind: 'stale-read', node: 'app1' }, phase: 'event' },
          max: 0,
        },
        {
          text: "until app2's L1 copy expired",
          measure: { match: { kind: 'l1-drop', node: 'app2', data: { reason: 'expired' } }, phase: 'event' },
          min: 1,
        },
        {
          text: 'Without a TTL, the failed write-through left reads stale',
          measure: { match: { kind: 'stale-read', key: 'user:3' }, phase: 'no-ttl' },
          min: 10,
        },
        {
          text: 'and no copy expired to end it: not in Redis',
          measure: { match: { kind: 'expired', key: 'user:3' }, phase: 'no-ttl' },
          max: 0,
        },
        {
          text: 'nor in either L1',
          measure: { match: { kind: 'l1-drop', key: 'user:3', data: { reason: 'expired' } }, phase: 'no-ttl' },
          max: 0,
        },
      ],
    },
    {
      id: 'monitor',
      title:
        'The dashboard: invalidations, hit ratio and cache errors from /metrics, before, during and after an outage',
      steps: [
        { do: { action: 'reset' } },
        { phase: 'normal' },
        { do: { action: 'load', params: { rps: 20, writeRatio: 0.2 } } },
        // A loaded machine can slow the load's first writes: wait for one, then for scrapes that count it.
        { waitFor: { kind: 'del', src: 'app' }, timeoutMs: 10_000 },
        { sleepMs: 3000 },
        { phase: 'outage' },
        { do: { action: 'redis', params: { mode: 'refused' } } },
        { waitFor: { kind: 'cache-error' }, timeoutMs: 10_000 },
        { sleepMs: 3000 },
        { phase: 'recovered' },
        { do: { action: 'redis', params: { mode: 'up' } } },
        // Back to zero once a whole scrape interval has passed after the reconnection, however long that takes.
        { waitFor: { kind: 'gauge', data: { name: 'cache errors/s', value: 0 } }, timeoutMs: 15_000 },
        { do: { action: 'load', params: { rps: 0, writeRatio: 0.2 } } },
      ],
      checks: [
        {
          text: 'Invalidations per second were measured (above zero) while writes ran',
          measure: {
            match: { kind: 'gauge', data: { name: 'invalidations/s' } },
            phase: 'normal',
            of: 'max',
            field: 'value',
          },
          // The gauge's smallest step: one invalidation in a scrape interval of up to 10 s. How many the load
          // makes per second depends on how fast a loaded machine runs it (0.9/s was seen), not on the lesson.
          min: 0.1,
        },
        {
          text: 'Cache errors per second rose during the outage',
          measure: {
            match: { kind: 'gauge', data: { name: 'cache errors/s' } },
            phase: 'outage',
            of: 'max',
            field: 'value',
          },
          min: 1,
        },
        {
          text: 'The hit ratio was charted',
          measure: { match: { kind: 'gauge', data: { name: 'hit ratio' } } },
          min: 2,
        },
        {
          text: 'After the outage the error rate went back to zero',
          measure: { match: { kind: 'gauge', data: { name: 'cache errors/s', value: 0 } }, phase: 'recovered' },
          min: 1,
        },
      ],
    },
  ],
}
