/**
 * The event-driven lab: several app servers, each with an in-process (L1) cache in front of the shared Redis
 * cache, and five ways for a write on one of them to reach the others. Content only; the actions are in
 * event-driven-actions.ts, the engine in server/engine/labs/event-driven.ts and each propagation mode in
 * server/engine/strategies/propagation/.
 */
import type { LabSpec } from './types'

export const EVENT_DRIVEN_LIMITS = {
  maxServers: 5,
  maxL1TtlSeconds: 120,
} as const

export const PROPAGATION_MODES = ['none', 'pubsub', 'stream', 'outbox', 'tracking'] as const
export type PropagationMode = (typeof PROPAGATION_MODES)[number]

export const MODE_INFO: Record<PropagationMode, { label: string; short: string; delivery: string }> = {
  none: { label: 'None', short: 'Others keep their L1 copy until it expires.', delivery: '—' },
  pubsub: { label: 'Pub/Sub', short: 'PUBLISH to every connected subscriber.', delivery: 'at most once' },
  stream: { label: 'Stream', short: 'XADD to a stream; each server a consumer group.', delivery: 'at least once' },
  outbox: { label: 'Outbox', short: 'Row + outbox row in one transaction; a relay appends to the stream.', delivery: 'at least once, survives a writer crash' },
  tracking: { label: 'Tracking', short: 'Redis tells each server which keys it read have changed.', delivery: 'at most once, from Redis itself' },
}

/** What the engine publishes about each app server. */
export interface ServerStatus {
  id: string
  listener: 'up' | 'down' | 'crashed'
  l1Entries: number
  delivered: number
  duplicates: number
  lost: number
  acked: number
  staleReads: number
  latencyP50: number | null
  latencyP99: number | null
  /** Stream modes: the group's last delivered entry id (its offset), pending entries, lag. */
  lastDelivered?: string
  pending?: number
  lag?: number | null
}

export interface CompareRow {
  mode: PropagationMode
  latencyP50: number | null
  latencyP99: number | null
  lost: number
  duplicates: number
  /** Stale reads when every server read the three users again at the end of the script. */
  staleAtEnd: number
  staleReads: number
}

export interface EventDrivenState {
  mode: PropagationMode
  servers: number
  l1TtlSeconds: number
  l2TtlSeconds: number
  crashWriterArmed: boolean
  perServer: ServerStatus[]
  stats: { label: string; value: string | number; hint?: string; warn?: boolean }[]
  compare: CompareRow[] | null
  comparing: boolean
  load: { rps: number; users: number; writeRatio: number }
  dbLatencyMs: number
  dbJitterMs: number
}

const q = (n: number) => ({ server: n, userId: 1 })

export const eventDrivenLab: LabSpec = {
  id: 'event-driven',
  title: 'Event-driven invalidation across app servers',
  tagline:
    'Several app servers with their own in-process caches: watch a write on one reach the others by Pub/Sub, a durable stream, an outbox or Redis itself, and watch what each loses.',
  intro:
    'Real deployments run several app servers, and each keeps a small in-process (L1) cache in front of the shared Redis cache, because nothing is faster than memory. Deleting the Redis key on a write is then not enough: the other servers still hold their own copies. Something has to tell them. This lab runs up to five app servers, each with its own Redis connections and L1 cache, and lets you choose how the news travels: not at all, Redis Pub/Sub, a durable Redis Stream read through consumer groups (the Kafka model: stream = topic, consumer group = consumer group, entry id = offset, XACK = committing the offset), a transactional outbox relayed into that stream, or Redis client-side caching, where Redis itself tracks who read what. Then break things: take a listener down, crash a consumer before it acknowledges, crash the writer right after its commit.',
  sources: [
    'server/engine/strategies/propagation/pubsub.ts',
    'server/engine/strategies/propagation/stream-consumers.ts',
    'server/engine/strategies/propagation/stream.ts',
    'server/engine/strategies/propagation/outbox.ts',
    'server/engine/strategies/propagation/tracking.ts',
    'server/engine/strategies/propagation/none.ts',
    'server/engine/strategies/propagation/write.ts',
    'server/engine/strategies/two-tier-read.ts',
    'server/engine/labs/event-driven.ts',
  ],
  classAction: { action: 'readAll', params: { userId: 1 } },
  codeFor: { read: 'readTwoTier', readAll: 'readTwoTier', write: 'writeOnServer' },
  walkthrough: [
    {
      id: 'servers',
      title: 'Three app servers, three L1 caches',
      body: 'The lab starts three app servers, app1 to app3. Each has its own connection to Redis and its own in-process cache (L1) with a TTL. The timeline gives each server a lane of its own, and the bus (Pub/Sub, the stream) a lane too.\n\nRead user 1 on every server: each misses its L1, the first one also misses Redis and queries the database, and all three keep a copy.',
      task: 'Press "Read on every server" for user 1.',
      run: [{ action: 'setServers', params: { count: 3 } }, { action: 'readAll', params: { userId: 1 } }],
      look: 'inspector',
      done: { kind: 'l1-set', key: 'user:1', node: 'app3' },
    },
    {
      id: 'none',
      title: 'A write nobody hears about',
      body: 'With no propagation, a write on app1 updates the database and deletes the Redis key, and that is all. app2 and app3 still hold version 1 in memory. The key inspector shows each server\'s L1 copy beside Redis and the database.',
      task: 'Choose mode "None", then write user 1 on app1.',
      run: [{ action: 'setMode', params: { mode: 'none' } }, { action: 'write', params: q(1) }],
      look: 'inspector',
      done: { kind: 'update', key: 'user:1' },
    },
    {
      id: 'stale',
      title: 'Two servers serve the old value',
      body: 'Read user 1 on every server again. app1 dropped its own copy and reads the new version; app2 and app3 answer from memory, fast and wrong, until their L1 TTL runs out. The oracle flags each stale read with the server that served it.',
      task: 'Read user 1 on every server.',
      run: [{ action: 'readAll', params: { userId: 1 } }],
      look: 'timeline',
      done: { kind: 'stale-read', key: 'user:1' },
    },
    {
      id: 'pubsub',
      title: 'Pub/Sub: tell everyone who is listening',
      body: 'Switch to Pub/Sub. Now the writer also PUBLISHes an invalidation, and every server\'s subscriber drops its L1 copy. Watch the bus lane: PUBLISH reports how many subscribers received the message.',
      task: 'Choose "Pub/Sub", read user 2 on every server, then write user 2 on app1.',
      run: [
        { action: 'setMode', params: { mode: 'pubsub' } },
        { action: 'readAll', params: { userId: 2 } },
        { action: 'write', params: { server: 1, userId: 2 } },
      ],
      look: 'timeline',
      done: { kind: 'l1-drop', data: { via: 'pubsub' } },
    },
    {
      id: 'lost',
      title: 'A subscriber that is down misses the message for good',
      body: 'Take app3\'s subscriber down, write, and bring it back. PUBLISH reached two subscribers out of three; Redis keeps nothing for the absent one. app3 comes back still holding the old value: Pub/Sub delivers at most once.',
      task: 'Take app3\'s listener down, write user 2 on app1, bring app3 back, and read user 2 on every server.',
      run: [
        { action: 'listener', params: { server: 3, up: false } },
        { action: 'write', params: { server: 1, userId: 2 } },
        { action: 'listener', params: { server: 3, up: true } },
        { action: 'readAll', params: { userId: 2 } },
      ],
      look: 'timeline',
      done: { kind: 'stale-read', node: 'app3' },
    },
    {
      id: 'stream',
      title: 'A durable stream: nothing lost while a server is down',
      body: 'Switch to Stream. Invalidations are appended to a Redis Stream, and each server reads it through its own consumer group, acknowledging each entry after applying it. Take app3 down again and write: the entry waits in the stream. When app3 comes back it resumes from its group\'s position (its offset) and applies what it missed. The servers panel shows each group\'s last delivered id, pending entries and lag.',
      task: 'Choose "Stream", take app3 down, write user 3 on app1, bring app3 back.',
      run: [
        { action: 'setMode', params: { mode: 'stream' } },
        { action: 'readAll', params: { userId: 3 } },
        { action: 'listener', params: { server: 3, up: false } },
        { action: 'write', params: { server: 1, userId: 3 } },
        { action: 'listener', params: { server: 3, up: true } },
      ],
      look: 'timeline',
      done: { kind: 'deliver', node: 'app3', data: { via: 'stream' } },
    },
    {
      id: 'redelivery',
      title: 'Crash before the acknowledgement: redelivered',
      body: 'Arm "crash before ack" on app2 and write. app2 applies the entry and dies before XACK, so the entry stays pending in its group. Restart it: its replacement claims the pending entry with XAUTOCLAIM and applies it again. Delivery is at least once, so a server can see a message twice; dropping a cache entry twice is harmless, which is why invalidations should be idempotent.',
      task: 'Crash app2\'s consumer, write user 3 on app1, then bring app2 back.',
      run: [
        { action: 'crashConsumer', params: { server: 2 } },
        { action: 'write', params: { server: 1, userId: 3 } },
        { action: 'listener', params: { server: 2, up: true } },
      ],
      look: 'timeline',
      done: { kind: 'deliver', data: { redelivered: true } },
    },
    {
      id: 'dual-write',
      title: 'The writer dies after its commit',
      body: 'Arm "crash the next writer" and write in Stream mode. The database commit happened; the XADD never did. Every other server, and Redis, keep the old value: two writes (database, then bus) that are not atomic. Now switch to Outbox and do the same: the update and an outbox row are committed in one transaction, and the relay announces it even though the writer is gone.',
      task: 'In Stream mode crash the writer and write user 4; then switch to Outbox and repeat with user 5.',
      run: [
        { action: 'readAll', params: { userId: 4 } },
        { action: 'crashWriter' },
        { action: 'write', params: { server: 1, userId: 4 } },
        { action: 'setMode', params: { mode: 'outbox' } },
        { action: 'readAll', params: { userId: 5 } },
        { action: 'crashWriter' },
        { action: 'write', params: { server: 1, userId: 5 } },
      ],
      look: 'timeline',
      done: { kind: 'publish', data: { via: 'outbox' } },
    },
    {
      id: 'tracking',
      title: 'Let Redis do the tracking',
      body: 'Switch to Tracking. Each server turned on CLIENT TRACKING: Redis remembers which keys each server\'s connection read, and when one changes it sends that server an invalidation on `__redis__:invalidate`. The writer only deletes the Redis key; Redis does the telling.',
      task: 'Choose "Tracking", read user 6 on every server, write it on app1.',
      run: [
        { action: 'setMode', params: { mode: 'tracking' } },
        { action: 'readAll', params: { userId: 6 } },
        { action: 'write', params: { server: 1, userId: 6 } },
      ],
      look: 'timeline',
      done: { kind: 'l1-drop', data: { via: 'tracking' } },
    },
    {
      id: 'compare',
      title: 'All modes, the same script',
      body: 'Run "Compare all modes": the same writes, a listener outage and a writer crash under each mode in turn, then every server reads everything again. The table counts what each mode got wrong.',
      task: 'Press "Compare all modes" and read the table.',
      run: [{ action: 'compare' }],
      look: 'charts',
      done: { kind: 'setting', data: { name: 'compare' } },
    },
  ],
  questions: [
    {
      id: 'event-driven-invalidation',
      question: 'What is event-driven invalidation, and what does it buy you?',
      answer:
        'The code that changes data publishes an event, and whoever holds a copy (other app servers\' in-process caches, other services, the Redis cache) reacts by dropping it. It decouples writers from caches: the writer does not need to know who caches what, and any number of cache holders can listen. With a durable log (Kafka, a Redis Stream) it is also reliable: a listener that was down catches up.',
      tradeoff:
        'It needs a bus to run and watch, and invalidation becomes asynchronous: for a few milliseconds after the commit other servers still serve the old value.',
      demo: 'event-driven-basics',
    },
    {
      id: 'lost-invalidation-message',
      question: 'What happens if an invalidation message is lost?',
      answer:
        'The server that missed it keeps serving its copy until that copy expires: its TTL is the only backstop. Redis Pub/Sub loses messages for any subscriber not connected at the moment of PUBLISH. A durable stream with consumer groups does not: each group keeps its position, and a returning consumer reads what it missed; unacknowledged entries are redelivered.',
      tradeoff:
        'Durable delivery is at least once, so consumers must handle duplicates (dropping a key twice is harmless); and it costs a stream to store and trim.',
      demo: 'lost-message',
    },
    {
      id: 'publisher-crash-after-commit',
      question: 'What if the publisher crashes after the database commit but before it publishes?',
      answer:
        'That is the dual-write problem: the database and the bus are two writes that are not atomic, so the change is committed but never announced, and every cache stays stale until its TTL. The fix is a transactional outbox (or change data capture from the database log): write the announcement in the same transaction as the change, and let a relay publish it, retrying until it succeeds.',
      tradeoff:
        'An outbox adds a table, a relay process and a little latency (the relay polls or tails), in exchange for never losing an announcement.',
      demo: 'publisher-crash',
    },
    {
      id: 'at-least-once-invalidation',
      question: 'A consumer crashes before acknowledging an invalidation. What happens?',
      answer:
        'The entry stays pending in its consumer group. When the consumer (or a replacement that claims it with XAUTOCLAIM, in Kafka terms the group rebalancing) comes back, the entry is delivered again. If the crash came after the cache entry was dropped, it is dropped twice: harmless, because invalidation is idempotent. That is why at-least-once delivery is the right fit for invalidation.',
      tradeoff: 'Redelivery waits for the consumer or a claimer to notice, so the entry is applied late, not lost.',
      demo: 'redelivery',
    },
  ],
  demos: [
    {
      id: 'event-driven-basics',
      title: 'Without events the other servers stay stale; with Pub/Sub they drop their copies',
      steps: [
        { do: { action: 'reset' } },
        { do: { action: 'setServers', params: { count: 3 } } },
        { do: { action: 'setMode', params: { mode: 'none' } } },
        { say: 'Three servers read user 1; app1 writes it with no propagation.' },
        { do: { action: 'readAll', params: { userId: 1 } } },
        { do: { action: 'write', params: { server: 1, userId: 1 } } },
        { phase: 'none' },
        { do: { action: 'readAll', params: { userId: 1 } } },
        { phase: 'switch' },
        { say: 'Same with Pub/Sub, on user 2.' },
        { do: { action: 'setMode', params: { mode: 'pubsub' } } },
        { do: { action: 'readAll', params: { userId: 2 } } },
        { do: { action: 'write', params: { server: 1, userId: 2 } } },
        { sleepMs: 300 },
        { phase: 'pubsub' },
        { do: { action: 'readAll', params: { userId: 2 } } },
      ],
      checks: [
        {
          text: 'Without propagation two servers served the old version',
          measure: { match: { kind: 'stale-read', key: 'user:1' }, phase: 'none' },
          min: 2,
        },
        {
          text: 'With Pub/Sub the other servers dropped their copies',
          measure: { match: { kind: 'l1-drop', key: 'user:2', data: { via: 'pubsub' } }, phase: 'switch' },
          min: 2,
        },
        {
          text: 'With Pub/Sub no server served the old version',
          measure: { match: { kind: 'stale-read', key: 'user:2' }, phase: 'pubsub' },
          max: 0,
        },
      ],
    },
    {
      id: 'lost-message',
      title: 'Pub/Sub loses the message for a server that is down; a stream does not',
      steps: [
        { do: { action: 'reset' } },
        { do: { action: 'setServers', params: { count: 3 } } },
        { do: { action: 'setMode', params: { mode: 'pubsub' } } },
        { do: { action: 'readAll', params: { userId: 1 } } },
        { say: "app3's subscriber goes down; app1 writes user 1; app3 comes back." },
        { do: { action: 'listener', params: { server: 3, up: false } } },
        { do: { action: 'write', params: { server: 1, userId: 1 } } },
        { sleepMs: 200 },
        { do: { action: 'listener', params: { server: 3, up: true } } },
        { sleepMs: 300 },
        { phase: 'pubsub' },
        { do: { action: 'readAll', params: { userId: 1 } } },
        { phase: 'switch' },
        { say: 'The same outage with the durable stream, on user 2.' },
        { do: { action: 'setMode', params: { mode: 'stream' } } },
        { do: { action: 'readAll', params: { userId: 2 } } },
        { do: { action: 'listener', params: { server: 3, up: false } } },
        { do: { action: 'write', params: { server: 1, userId: 2 } } },
        { sleepMs: 200 },
        { do: { action: 'listener', params: { server: 3, up: true } } },
        { waitFor: { kind: 'deliver', key: 'user:2', node: 'app3' }, timeoutMs: 5000 },
        { phase: 'stream' },
        { do: { action: 'readAll', params: { userId: 2 } } },
      ],
      checks: [
        {
          text: 'PUBLISH reached fewer subscribers than there are servers',
          measure: { match: { kind: 'publish', data: { via: 'pubsub', receivers: 2 } } },
          min: 1,
        },
        {
          text: 'With Pub/Sub, app3 still served the old version after coming back',
          measure: { match: { kind: 'stale-read', key: 'user:1', node: 'app3' }, phase: 'pubsub' },
          min: 1,
        },
        {
          text: 'With the stream, app3 caught up on its return and served nothing stale',
          measure: { match: { kind: 'stale-read', key: 'user:2' }, phase: 'stream' },
          max: 0,
        },
      ],
    },
    {
      id: 'publisher-crash',
      title: 'A writer crash after the commit: the stream loses the announcement, the outbox does not',
      steps: [
        { do: { action: 'reset' } },
        { do: { action: 'setServers', params: { count: 3 } } },
        { do: { action: 'setMode', params: { mode: 'stream' } } },
        { do: { action: 'readAll', params: { userId: 1 } } },
        { say: 'app1 commits user 1 and dies before its XADD.' },
        { do: { action: 'crashWriter' } },
        { do: { action: 'write', params: { server: 1, userId: 1 } } },
        { sleepMs: 400 },
        { phase: 'stream' },
        { do: { action: 'readAll', params: { userId: 1 } } },
        { phase: 'switch' },
        { say: 'Again with the transactional outbox, on user 2.' },
        { do: { action: 'setMode', params: { mode: 'outbox' } } },
        { do: { action: 'readAll', params: { userId: 2 } } },
        { do: { action: 'crashWriter' } },
        { do: { action: 'write', params: { server: 1, userId: 2 } } },
        { waitFor: { kind: 'deliver', key: 'user:2', node: 'app3' }, timeoutMs: 5000 },
        { sleepMs: 200 },
        { phase: 'outbox' },
        { do: { action: 'readAll', params: { userId: 2 } } },
      ],
      checks: [
        {
          text: 'After the crash, the stream mode left stale copies',
          measure: { match: { kind: 'stale-read', key: 'user:1' }, phase: 'stream' },
          min: 2,
        },
        {
          text: 'The relay announced the outbox row the crashed writer committed',
          measure: { match: { kind: 'publish', key: 'user:2', data: { via: 'outbox' } } },
          min: 1,
        },
        {
          text: 'With the outbox, nothing stale was served',
          measure: { match: { kind: 'stale-read', key: 'user:2' }, phase: 'outbox' },
          max: 0,
        },
      ],
    },
    {
      id: 'redelivery',
      title: 'An entry applied but not acknowledged is delivered again',
      steps: [
        { do: { action: 'reset' } },
        { do: { action: 'setServers', params: { count: 3 } } },
        { do: { action: 'setMode', params: { mode: 'stream' } } },
        { do: { action: 'readAll', params: { userId: 1 } } },
        { say: "app2's consumer will crash after applying its next entry, before XACK." },
        { do: { action: 'crashConsumer', params: { server: 2 } } },
        { do: { action: 'write', params: { server: 1, userId: 1 } } },
        { waitFor: { kind: 'fault', node: 'app2' }, timeoutMs: 5000 },
        { say: 'Restart it: the replacement claims the pending entry.' },
        { do: { action: 'listener', params: { server: 2, up: true } } },
        { waitFor: { kind: 'ack', node: 'app2' }, timeoutMs: 5000 },
      ],
      checks: [
        {
          text: 'app2 received the entry again after its restart',
          measure: { match: { kind: 'deliver', node: 'app2', data: { redelivered: true } } },
          min: 1,
        },
        {
          text: 'The second delivery was recognised as a duplicate',
          measure: { match: { kind: 'deliver', node: 'app2', data: { duplicate: true } } },
          min: 1,
        },
        {
          text: 'It was acknowledged in the end',
          measure: { match: { kind: 'ack', node: 'app2' } },
          min: 1,
        },
      ],
    },
  ],
}
