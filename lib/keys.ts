/**
 * Every Redis key name is built here. A room's keys live under `lab:<room>:`; the data keys a lab caches
 * (`user:1`) are the same names the timeline, the inspector and the walkthroughs use, without the prefix.
 */
export const KEY_ROOT = 'lab'

export function roomPrefix(room: string): string {
  return `${KEY_ROOT}:${room}:`
}

/** Internal keys of a room: its event stream, its metadata, its invalidation bus. Never data, never shown as cache events. */
export const INTERNAL_KEYS = ['events', 'meta', 'bus', 'owner'] as const

export function roomKeys(room: string) {
  const prefix = roomPrefix(room)
  return {
    prefix,
    /** The full Redis key for a data key. */
    full: (key: string) => prefix + key,
    events: `${prefix}events`,
    meta: `${prefix}meta`,
    /** Which server instance runs the room's engine (when several share one Redis). */
    owner: `${prefix}owner`,
    /** The event-driven lab's invalidation stream (its Kafka topic). */
    bus: `${prefix}bus`,
    /** The event-driven lab's Pub/Sub channel (a channel, not a key). */
    channel: `${prefix}invalidate`,
    /** The stampede lab's channel a lock holder announces a filled key on, so waiters wake (not a key). */
    unlock: `${prefix}unlock`,
    /** MATCH pattern for SCAN over everything the room owns. */
    pattern: `${prefix}*`,
  }
}

/** Splits a full key into its room and the key without the prefix; undefined for keys outside any room. */
export function parseRoomKey(full: string): { room: string; key: string } | undefined {
  if (!full.startsWith(`${KEY_ROOT}:`)) return undefined
  const end = full.indexOf(':', KEY_ROOT.length + 1)
  if (end < 0) return undefined
  const room = full.slice(KEY_ROOT.length + 1, end)
  if (!/^[a-z0-9]{6,32}$/.test(room)) return undefined
  return { room, key: full.slice(end + 1) }
}

export function isInternalKey(key: string): boolean {
  return (INTERNAL_KEYS as readonly string[]).includes(key)
}

/** Data keys, by entity. */
export const dataKey = {
  user: (id: number) => `user:${id}`,
  /** A user's profile as a page shows it (the row and their posts), cached as one value. */
  profile: (id: number) => `user:${id}:profile`,
  post: (id: number) => `post:${id}`,
  config: (name: string) => `config:${name}`,
  /** One of the many keys a user owns: `user:7:profile`, `user:7:posts`, `user:7:feed:3` … */
  userPart: (id: number, ...part: (string | number)[]) => `user:${id}:${part.join(':')}`,
  /** The tag (index) set that lists every key a user owns, so they can be invalidated without a scan. */
  userTag: (id: number) => `user:${id}:keys`,
  /**
   * A post cached by one arm of the best-practices lab's keyspace comparison: `ttl:post:7` (cached with a
   * TTL) or `nottl:post:7` (cached without one), so both arms grow side by side in one room.
   */
  armPost: (arm: 'ttl' | 'nottl', id: number) => `${arm}:post:${id}`,
  /** A key of one cache generation: `v2:user:1` (key versioning). */
  versioned: (version: number, key: string) => `v${version}:${key}`,
}

/**
 * Keys a lab writes outside every room, so that no room's timeline and no keyspace listener hears of them:
 * the temporary keys that make Redis resize its main hash table under a SCAN, and the bulk keys that stand
 * for other applications sharing the server. They always carry a short TTL, so they leave on their own even
 * if the process dies before deleting them.
 */
export const scratchKey = {
  churn: (room: string, batch: string, n: number) => `cachelab-churn:${room}:${batch}:${n}`,
  bulk: (room: string, n: number) => `cachelab-bulk:${room}:${n}`,
  /** MATCH pattern over one room's bulk keys. */
  bulkPattern: (room: string) => `cachelab-bulk:${room}:*`,
}

/**
 * Keys that guard a data key against the cache-aside race (the races lab): the tombstone a version-checked
 * delete leaves (`tomb:user:1`) and the lease a miss hands out (`lease:user:1`). They cache no row.
 */
export const guardKey = {
  tombstone: (key: string) => `tomb:${key}`,
  lease: (key: string) => `lease:${key}`,
  /** The stampede lab's lock (`SET lock:user:1 <token> NX PX`), soft-expiry refresh claim, and the stale
   * copy leases serve past the value's TTL. */
  lock: (key: string) => `lock:${key}`,
  refresh: (key: string) => `refresh:${key}`,
  stale: (key: string) => `stale:${key}`,
}

/**
 * The database row a data key caches, for the consistency oracle and the inspector: `user:1`, a versioned
 * `v2:user:1`, and a user's `user:1:profile` all cache users row 1. Keys that cache a list or a page
 * (`user:1:posts`, `user:1:feed:2`) cache no single row.
 */
export function entityOf(key: string): { table: 'users' | 'posts' | 'app_config'; id: string } | undefined {
  const m = /^(?:v\d+:)?(user|post|config):([^:]+)(:profile)?$/.exec(key)
  if (!m) return undefined
  const table = m[1] === 'user' ? 'users' : m[1] === 'post' ? 'posts' : 'app_config'
  return { table, id: m[2]! }
}

/** The oracle's name for the row a key caches (`user:1` for all the keys above); the key itself otherwise. */
export function entityKey(key: string): string {
  const e = entityOf(key)
  if (!e) return key
  return e.table === 'users' ? dataKey.user(Number(e.id)) : e.table === 'posts' ? dataKey.post(Number(e.id)) : dataKey.config(e.id)
}
