/**
 * The TTL lab: a cache-aside read with an expiry, the stale window a database update opens, and a TTL that
 * depends on the class of data (adaptive TTL). Everything here is content; the action schemas are in
 * ttl-actions.ts, the engine's side in server/engine/labs/ttl.ts and its strategy in
 * server/engine/strategies/cache-aside-ttl.ts.
 */
import type { LabSpec } from './types'

/**
 * Data classes and their TTLs. The real-world TTLs are the usual starting points (a minute for trending
 * content, an hour for profiles, a day for static content, a week for configuration); a lesson cannot wait
 * an hour, so the lab compresses them to seconds, keeping their order.
 */
export const DATA_CLASSES = {
  hot: { label: 'Hot', example: 'trending posts', realSeconds: 60, labSeconds: 5 },
  warm: { label: 'Warm', example: 'user profiles', realSeconds: 3_600, labSeconds: 20 },
  cold: { label: 'Cold', example: 'static content', realSeconds: 86_400, labSeconds: 60 },
  config: { label: 'Config', example: 'app configuration', realSeconds: 604_800, labSeconds: 300 },
} as const
export type DataClass = keyof typeof DATA_CLASSES

/** The TTL lab's settings as the engine holds them and the UI shows them. */
export interface TtlLabState {
  /** The class whose TTL is in use, or 'custom' after an explicit TTL was set. */
  dataClass: DataClass | 'custom'
  /** Seconds; null caches without a TTL. */
  ttlSeconds: number | null
  load: { rps: number; users: number; writeRatio: number }
  dbLatencyMs: number
  dbJitterMs: number
}

export const ttlLab: LabSpec = {
  id: 'ttl',
  title: 'TTL and adaptive TTL',
  tagline: 'Let keys expire on their own, watch the stale window a database update opens, and size TTLs per class of data.',
  intro:
    'A TTL is the simplest invalidation there is: every cached value carries a deadline and Redis removes it when the deadline passes. Nothing has to remember to delete it. The price is a stale window: change the database and the cache keeps answering with the old value until the key expires. This lab runs real cache-aside reads against Redis and Postgres so you can see that window open and close, and pick TTLs that fit how fast each kind of data changes.',
  sources: ['server/engine/strategies/cache-aside-ttl.ts', 'server/engine/labs/ttl.ts'],
  classAction: { action: 'read', params: { userId: 1 } },
  codeFor: { read: 'readUser', update: 'updateUser', expire: 'expireNow', setDataClass: 'ttlSecondsFor', setTtl: 'ttlMs' },
  walkthrough: [
    {
      id: 'room',
      title: 'Your own corner of Redis',
      body: 'This lab runs in a private room. Every key it writes lives under the prefix shown at the top of the page, in a real Redis, and every row it reads sits in a real Postgres table.\n\nThe timeline below has one lane per part of the system: the client that asks, the app that decides, the cache, and the database.',
      look: 'room',
    },
    {
      id: 'first-read',
      title: 'Read a user: a miss',
      body: 'The app asks Redis for `user:1` first. The key is not there, so it queries the database and writes the row back into Redis with a TTL, so the next read is cheap.',
      task: 'Press "Read user" for user 1.',
      run: [{ action: 'read', params: { userId: 1 } }],
      look: 'timeline',
      done: { kind: 'set', key: 'user:1' },
    },
    {
      id: 'second-read',
      title: 'Read it again: a hit',
      body: 'Same request, different path: Redis answers and the database lane stays quiet. Compare the two response times on the timeline.',
      task: 'Read user 1 again.',
      run: [{ action: 'read', params: { userId: 1 } }],
      look: 'timeline',
      done: { kind: 'hit', key: 'user:1' },
    },
    {
      id: 'update',
      title: "Change the database behind the cache's back",
      body: 'Update user 1 in the database only. Its version goes up, but nothing tells Redis. The key inspector now shows the cached version beside the newer database version, and a clock counting how long the cache has been stale.',
      task: 'Press "Update in DB" for user 1.',
      run: [{ action: 'update', params: { userId: 1 } }],
      look: 'inspector',
      done: { kind: 'update', key: 'user:1' },
    },
    {
      id: 'stale-read',
      title: 'Read again: a stale read',
      body: 'The read is a hit, fast and wrong. The consistency oracle compares the version served with the version in the database at that instant and flags the read as stale.',
      task: 'Read user 1.',
      run: [{ action: 'read', params: { userId: 1 } }],
      look: 'timeline',
      done: { kind: 'stale-read', key: 'user:1' },
    },
    {
      id: 'expiry',
      title: 'Let the TTL end it',
      body: "Wait for the countdown in the key inspector, or press \"Expire now\". The `expired` event is Redis's own: the engine hears it through keyspace notifications, not from a timer of its own.",
      task: 'Wait for the key to expire, or press "Expire now".',
      run: [{ action: 'expire', params: { userId: 1 } }],
      look: 'inspector',
      done: { kind: 'expired', key: 'user:1' },
    },
    {
      id: 'fresh-read',
      title: 'The next read is fresh',
      body: 'With the key gone the read misses, goes to the database and caches the new version. The stale window was as long as the time left on the TTL when the update happened: that is the bound a TTL gives you.',
      task: 'Read user 1.',
      run: [{ action: 'read', params: { userId: 1 } }],
      look: 'timeline',
      done: { kind: 'miss', key: 'user:1' },
    },
    {
      id: 'data-class',
      title: 'A TTL per class of data',
      body: 'Not all data ages alike. Trending content changes by the minute, configuration by the release. Pick a data class: the lab uses the usual real-world TTL for it, compressed to seconds so you can watch it.',
      task: 'Pick the "Hot" data class, then read a user and watch the shorter countdown.',
      run: [{ action: 'setDataClass', params: { dataClass: 'hot' } }],
      look: 'controls',
      done: { kind: 'setting', data: { name: 'dataClass' } },
    },
    {
      id: 'outside',
      title: 'Touch the keys from outside',
      body: 'The timeline shows what Redis reports, whoever caused it. Open a terminal and change a key of this room with redis-cli: the command shown in the room panel sets one with a 5 second TTL. It appears here marked as coming from outside, and its expiry too.',
      task: 'Run the redis-cli command from the room panel.',
      look: 'room',
      done: { kind: 'set', src: 'outside' },
      optional: true,
    },
    {
      id: 'load',
      title: 'Let it run',
      body: 'Start the background load: a few reads per second over five users, with an occasional update. Watch the hit ratio settle and the stale reads appear after each update until the TTL catches up. Try a longer and a shorter TTL and see both curves move.',
      task: 'Start the load.',
      run: [{ action: 'load', params: { rps: 5, users: 5, writeRatio: 0.1 } }],
      look: 'charts',
      done: { kind: 'setting', data: { name: 'load' } },
    },
  ],
  questions: [
    {
      id: 'what-is-cache-invalidation',
      question: 'What is cache invalidation?',
      answer:
        'It is how a cache stops serving data the source of truth no longer holds. A cached copy goes stale the moment the database changes; invalidation either removes it, so the next read reloads it, or replaces it. The ways to do it: let a TTL expire it, delete or update it in the write path, publish an event that other servers act on, or write through the cache on every write.',
      tradeoff:
        'Every option trades freshness for cost or complexity: a TTL is simple but leaves a stale window; explicit invalidation is immediate but every write path must remember it.',
      demo: 'stale-until-expiry',
    },
    {
      id: 'why-always-set-ttl',
      question: 'Why should you always set a TTL?',
      answer:
        'Because explicit invalidation eventually fails: a code path forgets it, a delete is lost while Redis is unreachable, a message is dropped. With a TTL, the damage of any such miss ends when the key expires. It also keeps memory in check, since keys nobody reads any more disappear on their own.',
      tradeoff:
        'A TTL costs a reload from the database each time it runs out, even when nothing changed; pick it from how much staleness the data can bear.',
      demo: 'ttl-safety-net',
    },
    {
      id: 'cache-without-ttl',
      question: 'Should you ever cache without a TTL?',
      answer:
        'Rarely. Data that never changes (reference tables, content addressed by its hash) or data whose every change goes through one path that invalidates it (configuration that changes only with a deploy) can live without one. Anything users edit should have a TTL: without it, one missed invalidation keeps a wrong value forever.',
      tradeoff:
        'No TTL means no reload cost and the best hit ratio, paid for with an unbounded stale window and a keyspace that only grows.',
      demo: 'no-ttl-needs-explicit',
    },
    {
      id: 'how-often-refresh',
      question: 'How often should cached data be refreshed?',
      answer:
        'As often as the data changes and as stale as you can afford it to be. The TTL is the longest a reader can see an old value, and each expiry costs one database read per key. Common starting points: about a minute for trending content, an hour for profiles, a day for static content, a week for configuration, then tune from the hit ratio and stale reads you measure.',
      tradeoff:
        'Halving the TTL halves the worst stale window and roughly doubles the reloads of hot keys.',
      demo: 'refresh-interval',
    },
  ],
  demos: [
    {
      id: 'stale-until-expiry',
      title: 'A database update leaves the cache stale until the TTL ends it',
      steps: [
        { do: { action: 'reset' } },
        { do: { action: 'setTtl', params: { seconds: 4 } } },
        { say: 'Cache user 1 with a 4 second TTL.' },
        { do: { action: 'read', params: { userId: 1 } } },
        { say: 'Update user 1 in the database; the cache is not told.' },
        { do: { action: 'update', params: { userId: 1 } } },
        { phase: 'stale' },
        { say: 'Read it: the cache still serves the old version.' },
        { do: { action: 'read', params: { userId: 1 } } },
        { say: 'Wait for Redis to expire the key.' },
        { waitFor: { kind: 'expired', key: 'user:1' }, timeoutMs: 10_000 },
        { phase: 'fresh' },
        { say: 'Read it again: a miss, then the new version from the database.' },
        { do: { action: 'read', params: { userId: 1 } } },
      ],
      checks: [
        {
          text: 'The read after the update was stale',
          measure: { match: { kind: 'stale-read', key: 'user:1' }, phase: 'stale', of: 'count' },
          min: 1,
        },
        {
          text: 'Redis expired the key on its own',
          measure: { match: { kind: 'expired', key: 'user:1', src: 'redis' }, of: 'count' },
          min: 1,
        },
        {
          text: 'After the expiry the read missed and was not stale',
          measure: { match: { kind: 'stale-read', key: 'user:1' }, phase: 'fresh', of: 'count' },
          max: 0,
        },
        {
          text: 'After the expiry the read went to the database',
          measure: { match: { kind: 'miss', key: 'user:1' }, phase: 'fresh', of: 'count' },
          min: 1,
        },
      ],
    },
    {
      id: 'ttl-safety-net',
      title: 'The same missed invalidation, with and without a TTL',
      steps: [
        { do: { action: 'reset' } },
        { say: 'Cache user 1 without a TTL, and user 2 with a 3 second TTL.' },
        { do: { action: 'setTtl', params: { seconds: null } } },
        { do: { action: 'read', params: { userId: 1 } } },
        { do: { action: 'setTtl', params: { seconds: 3 } } },
        { do: { action: 'read', params: { userId: 2 } } },
        { say: 'Update both in the database and forget to invalidate either.' },
        { do: { action: 'update', params: { userId: 1 } } },
        { do: { action: 'update', params: { userId: 2 } } },
        { waitFor: { kind: 'expired', key: 'user:2' }, timeoutMs: 10_000 },
        { phase: 'after' },
        { say: 'After user 2 expired, read both.' },
        { do: { action: 'read', params: { userId: 1 } } },
        { do: { action: 'read', params: { userId: 2 } } },
      ],
      checks: [
        {
          text: 'The key without a TTL is still stale',
          measure: { match: { kind: 'stale-read', key: 'user:1' }, phase: 'after', of: 'count' },
          min: 1,
        },
        {
          text: 'The key with a TTL healed itself',
          measure: { match: { kind: 'stale-read', key: 'user:2' }, phase: 'after', of: 'count' },
          max: 0,
        },
        {
          text: 'Only the key with a TTL expired',
          measure: { match: { kind: 'expired', key: 'user:1' }, of: 'count' },
          max: 0,
        },
      ],
    },
    {
      id: 'no-ttl-needs-explicit',
      title: 'Without a TTL, only an explicit invalidation ends the stale window',
      steps: [
        { do: { action: 'reset' } },
        { do: { action: 'setTtl', params: { seconds: null } } },
        { say: 'Cache user 1 without a TTL, then update the database.' },
        { do: { action: 'read', params: { userId: 1 } } },
        { do: { action: 'update', params: { userId: 1 } } },
        { say: 'Six seconds later the cache still serves the old version; nothing will ever expire it.' },
        { sleepMs: 6000 },
        { phase: 'later' },
        { do: { action: 'read', params: { userId: 1 } } },
        { say: 'Invalidate it explicitly, as a deploy would for configuration.' },
        { do: { action: 'expire', params: { userId: 1 } } },
        { waitFor: { kind: 'expired', key: 'user:1' }, timeoutMs: 5000 },
        { phase: 'invalidated' },
        { do: { action: 'read', params: { userId: 1 } } },
      ],
      checks: [
        {
          text: 'Six seconds after the update the read was still stale',
          measure: { match: { kind: 'stale-read', key: 'user:1' }, phase: 'later', of: 'maxStaleMs' },
          min: 5500,
        },
        {
          text: 'After the explicit invalidation the read was fresh',
          measure: { match: { kind: 'stale-read', key: 'user:1' }, phase: 'invalidated', of: 'count' },
          max: 0,
        },
      ],
    },
    {
      id: 'refresh-interval',
      title: 'A shorter TTL: less staleness, more database reads',
      steps: [
        { do: { action: 'reset' } },
        { say: 'TTL 1 s: ten reads a second on one user, every fifth request an update.' },
        { do: { action: 'setTtl', params: { seconds: 1 } } },
        { phase: 'short' },
        { do: { action: 'load', params: { rps: 10, users: 1, writeRatio: 0.2 } } },
        { sleepMs: 8000 },
        { do: { action: 'load', params: { rps: 0 } } },
        { phase: 'between' },
        // Not a wait for user 1's `expired` event: on a loaded machine its 1 s TTL can run out before the
        // expire is sent, and then no event comes. Past 1.5 s no copy cached under the 1 s TTL is served.
        { do: { action: 'expire', params: { userId: 1 } } },
        { sleepMs: 1500 },
        { say: 'Same load with a 4 s TTL.' },
        { do: { action: 'setTtl', params: { seconds: 4 } } },
        { phase: 'long' },
        { do: { action: 'load', params: { rps: 10, users: 1, writeRatio: 0.2 } } },
        { sleepMs: 8000 },
        { do: { action: 'load', params: { rps: 0 } } },
      ],
      checks: [
        {
          text: 'The 1 s TTL made more database reads',
          left: { match: { kind: 'query' }, phase: 'short', of: 'count' },
          op: 'gt',
          right: { match: { kind: 'query' }, phase: 'long', of: 'count' },
        },
        {
          text: 'The 1 s TTL kept the worst staleness lower',
          left: { match: { kind: 'stale-read' }, phase: 'short', of: 'maxStaleMs' },
          op: 'lt',
          right: { match: { kind: 'stale-read' }, phase: 'long', of: 'maxStaleMs' },
        },
      ],
    },
  ],
}
