/**
 * The one event vocabulary. Everything the engine does is recorded as one of these events; the timeline,
 * the charts, the tests and the HTTP API all read the same shapes. Shared by server and browser.
 *
 * An event is: a per-room sequence number, a wall-clock time (ms since the epoch, sub-ms precision), a lane
 * (where it happened), a kind (what happened), the key without the room prefix, the request id that ties one
 * request's steps together, who caused it, and kind-specific data.
 */
import { z } from 'zod'

export const LANES = ['client', 'app', 'cache', 'db', 'bus'] as const
export const Lane = z.enum(LANES)
export type Lane = z.infer<typeof Lane>

/**
 * Who made a cache change: this app's engine, a client outside it (redis-cli, another program), or Redis
 * itself (expiry, eviction).
 */
export const Source = z.enum(['app', 'outside', 'redis'])
export type Source = z.infer<typeof Source>

/** Who asked for a request: the learner's button, the repeating load, a demo, a walkthrough step, the API,
 * or in a classroom the host or a participant (whose name is the request's label). */
export const Actor = z.enum(['you', 'load', 'demo', 'walkthrough', 'api', 'host', 'participant'])
export type Actor = z.infer<typeof Actor>

const ms = z.number().nonnegative()
const version = z.number().int().nonnegative()
/** Remaining time to live in ms; null means the key has no TTL and lives until deleted or evicted. */
const ttlMs = z.number().int().nullable()

const base = {
  seq: z.number().int().positive(),
  time: z.number(),
  lane: Lane,
  key: z.string().max(512).optional(),
  req: z.string().max(64).optional(),
  /** App server instance that handled it, when a lab runs several. */
  node: z.string().max(32).optional(),
  src: Source.optional(),
}

const kinds = {
  /** A request enters the system (a button, the load, a demo). */
  request: z.object({ action: z.string(), by: Actor, label: z.string().optional() }),
  /** The request's answer and how long it took end to end. */
  response: z.object({
    ms,
    ok: z.boolean(),
    from: z.enum(['l1', 'cache', 'db', 'none']).optional(),
    version: version.optional(),
    error: z.string().optional(),
  }),
  hit: z.object({ version: version.optional(), ms }),
  miss: z.object({ ms, reason: z.enum(['absent', 'unreadable']) }),
  set: z.object({ ttlMs, version: version.optional(), value: z.string().optional() }),
  del: z.object({ existed: z.boolean().optional() }),
  /** A TTL was put on a key (EXPIRE, PEXPIRE, SET … PX). */
  expire: z.object({ ttlMs }),
  /** A key's TTL was removed (PERSIST, or SET without KEEPTTL over a key with a TTL). */
  persist: z.object({}),
  /** Redis removed a key because its TTL ran out. lateMs: how long after the known deadline it was seen. */
  expired: z.object({ lateMs: z.number().optional() }),
  evicted: z.object({}),
  /** Any other keyspace change on a room's key (HSET, SADD, RENAME …), named by Redis's event. */
  'cache-op': z.object({ op: z.string() }),
  'cache-error': z.object({ op: z.string(), message: z.string() }),
  /** A Redis command the app ran beyond GET/SET/DEL (KEYS, SADD, SMEMBERS, EVAL, MEMORY USAGE, UNLINK …). */
  command: z.object({ cmd: z.string(), ms, detail: z.string().optional() }),
  /** One SCAN call: the cursor it started from and the one it returned (0: done), how many keys it looked at
   * and how many matched; when the loop keeps a Set of what it has seen, how many of them it had seen before. */
  scan: z.object({
    cursor: z.string(),
    next: z.string(),
    count: z.number().int().positive(),
    match: z.string(),
    examined: z.number().int().nonnegative(),
    returned: z.number().int().nonnegative(),
    duplicates: z.number().int().nonnegative().optional(),
    ms,
  }),
  /** A request timed while something else ran, to show whether that something blocked Redis. */
  probe: z.object({ ms, during: z.string() }),
  /** A sampled figure for a chart (Redis memory, say). */
  gauge: z.object({ name: z.string(), value: z.number(), unit: z.string() }),
  /** Leases (as in memcache): handed out on a miss, invalidated by a delete, required to fill. */
  lease: z.object({ op: z.enum(['grant', 'deny', 'invalidate', 'fill', 'reject']), token: z.string().optional() }),
  /** A cache write the strategy refused because it would have stored an older value. */
  refused: z.object({ reason: z.string(), version: version.optional() }),
  /** An app server's in-process (L1) cache answered a read. */
  'l1-hit': z.object({ version: version.optional() }),
  'l1-miss': z.object({}),
  'l1-set': z.object({ version: version.optional(), ttlMs: z.number().int().nonnegative() }),
  /** An app server dropped an L1 entry: told to (an invalidation), or it expired or was evicted. latencyMs:
   * from the write that caused the invalidation to this drop. */
  'l1-drop': z.object({
    reason: z.enum(['invalidated', 'expired', 'evicted', 'cleared']),
    via: z.string().optional(),
    latencyMs: z.number().optional(),
  }),
  /** A message put on the bus: a Pub/Sub PUBLISH (receivers: subscribers Redis delivered it to) or a stream
   * append (id: the entry id, the offset). */
  publish: z.object({
    via: z.enum(['pubsub', 'stream', 'outbox', 'tracking']),
    channel: z.string(),
    id: z.string().optional(),
    receivers: z.number().int().optional(),
    expected: z.number().int().optional(),
  }),
  /** A bus message reached an app server. */
  deliver: z.object({
    via: z.enum(['pubsub', 'stream', 'outbox', 'tracking']),
    id: z.string().optional(),
    latencyMs: z.number().optional(),
    redelivered: z.boolean().optional(),
    duplicate: z.boolean().optional(),
  }),
  /** An app server acknowledged a stream entry (the Kafka commit). */
  ack: z.object({ id: z.string(), group: z.string() }),
  query: z.object({ sql: z.string(), ms, rows: z.number().int(), version: version.optional() }),
  update: z.object({ sql: z.string(), ms, version: version.optional() }),
  'db-error': z.object({ sql: z.string(), ms, message: z.string() }),
  /** The consistency oracle saw a read return an older version than the database held at that moment. */
  'stale-read': z.object({ cached: version, truth: version, staleForMs: ms }),
  /**
   * The oracle saw a read return a newer version than the database has committed: a value written to the
   * cache before a database write that then failed (or has not committed yet). `truth` is what the database holds.
   */
  'dirty-read': z.object({ cached: version, truth: version }),
  /** A lab setting changed (TTL, data class, DB latency, load). */
  setting: z.object({ name: z.string(), value: z.union([z.string(), z.number(), z.boolean(), z.null()]) }),
  /** Narration from a demo or walkthrough, drawn across all lanes. */
  marker: z.object({ text: z.string(), demo: z.string().optional(), step: z.number().int().optional() }),
  /** A demo finished; its checks say whether the claim it proves held. */
  'demo-result': z.object({
    demo: z.string(),
    passed: z.boolean(),
    checks: z.array(z.object({ text: z.string(), passed: z.boolean(), detail: z.string().optional() })),
  }),
  fault: z.object({ name: z.string(), on: z.boolean(), detail: z.string().optional() }),
  /**
   * A stampede lock (SET lock:<key> <token> NX PX): taken, found held by another (busy), released by its
   * owner, a release refused because the lock is no longer ours (not-owner), or its holder dying with it held.
   */
  lock: z.object({
    op: z.enum(['acquire', 'busy', 'release', 'not-owner', 'dead']),
    token: z.string().optional(),
    ttlMs: z.number().int().optional(),
  }),
  /**
   * A burst of concurrent requests, summed up instead of one event per request (a burst can be thousands):
   * `start`, a `progress` every ~100 ms with what finished since the previous one (`tick`), and `end` with
   * the exact totals, the outcome histogram over time, the latency distribution and the early refreshes seen.
   */
  burst: z.object({
    id: z.string().max(32),
    strategy: z.string().max(32),
    phase: z.enum(['start', 'progress', 'end']),
    total: z.number().int().nonnegative(),
    done: z.number().int().nonnegative(),
    dbQueries: z.number().int().nonnegative(),
    inFlight: z.number().int().nonnegative(),
    peakInFlight: z.number().int().nonnegative(),
    errors: z.number().int().nonnegative(),
    stale: z.number().int().nonnegative(),
    /** Since the burst started. */
    ms,
    /** Several bursts run as one comparison share its id. */
    compare: z.string().max(32).optional(),
    servers: z.number().int().positive().optional(),
    tick: z.array(z.number().int().nonnegative()).optional(),
    /** end: outcome counts per bucket of `bucketMs`, in the order of BURST_OUTCOMES (lib/labs/stampede-math). */
    buckets: z.array(z.array(z.number().int().nonnegative())).optional(),
    bucketMs: z.number().int().positive().optional(),
    perServer: z.array(z.number().int().nonnegative()).optional(),
    p50: z.number().optional(),
    p95: z.number().optional(),
    p99: z.number().optional(),
    maxMs: z.number().optional(),
    /** end: requests per latency bucket (upper bounds in LATENCY_BOUNDS, the last one unbounded). */
    latency: z.array(z.number().int().nonnegative()).optional(),
    /** end: early refreshes decided, and the time to expiry (ms) at each of the first ones. */
    refreshes: z.number().int().nonnegative().optional(),
    refreshAt: z.array(z.number()).optional(),
    /** end: the requests drawn in full on the timeline, and the queries they made (already counted there). */
    sampled: z.array(z.string()).optional(),
    sampledQueries: z.number().int().nonnegative().optional(),
    /** start: what the burst was asked to do, in words. */
    detail: z.string().max(300).optional(),
  }),
} as const

export type Kind = keyof typeof kinds
export const KINDS = Object.keys(kinds) as Kind[]

type KindSchema<K extends Kind> = z.ZodObject<
  typeof base & { kind: z.ZodLiteral<K>; data: (typeof kinds)[K] }
>

function member<K extends Kind>(kind: K): KindSchema<K> {
  return z.object({ ...base, kind: z.literal(kind), data: kinds[kind] }) as KindSchema<K>
}

const members = KINDS.map(member) as unknown as [KindSchema<Kind>, ...KindSchema<Kind>[]]

/** Parses one event; the parsed value has the precise per-kind type below. */
export const LabEvent = z.discriminatedUnion('kind', members) as unknown as z.ZodType<LabEvent>

/** One event as recorded (numbered, timed). */
export type LabEvent = { [K in Kind]: EventOf<K> }[Kind]
export type EventOf<K extends Kind> = {
  seq: number
  time: number
  lane: Lane
  kind: K
  key?: string
  req?: string
  node?: string
  src?: Source
  data: z.output<(typeof kinds)[K]>
}
/** An event before the recorder numbers and times it. */
export type EventInput = { [K in Kind]: Omit<EventOf<K>, 'seq' | 'time'> & { time?: number } }[Kind]
export type DataOf<K extends Kind> = z.input<(typeof kinds)[K]>

/** Context shared by the steps of one request. */
export interface EventContext {
  req?: string
  node?: string
  src?: Source
}

/**
 * Whether make() validates every event's data with its schema. On in development and tests, where a
 * malformed event should fail where it is made; off in production, where the types already guarantee the
 * shape and a parse per event would cost more than the rest of a cache hit.
 */
let validateEvents = process.env.NODE_ENV !== 'production'
export function setEventValidation(on: boolean): void {
  validateEvents = on
}

/**
 * Event constructors: `make('hit', 'cache', { version: 3, ms: 0.4 }, 'user:1', ctx)`. Every event object
 * has the same fields in the same order (absent ones undefined, which JSON leaves out), so the engine's
 * hot path handles one object shape; the recorder fills in `seq` and `time` on this same object.
 */
export function make<K extends Kind>(
  kind: K,
  lane: Lane,
  data: DataOf<K>,
  key?: string,
  ctx: EventContext = {},
): EventInput {
  return {
    seq: 0,
    time: undefined,
    lane,
    kind,
    key,
    req: ctx.req,
    node: ctx.node,
    src: ctx.src,
    data: validateEvents ? kinds[kind].parse(data) : data,
  } as unknown as EventInput
}

/** Durations in events are kept to 0.01 ms: finer digits are noise and cost bytes on every message. */
export function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100
}

/** Narrow an event to one kind. */
export function isKind<K extends Kind>(event: LabEvent, kind: K): event is Extract<LabEvent, { kind: K }> {
  return event.kind === kind
}
