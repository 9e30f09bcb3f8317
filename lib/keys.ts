/**
 * Every Redis key name is built here. A room's keys live under `lab:<room>:`; the data keys a lab caches
 * (`user:1`) are the same names the timeline, the inspector and the walkthroughs use, without the prefix.
 */
export const KEY_ROOT = 'lab'

export function roomPrefix(room: string): string {
  return `${KEY_ROOT}:${room}:`
}

/** Internal keys of a room: its event stream and its metadata. Never data, never shown as cache events. */
export const INTERNAL_KEYS = ['events', 'meta'] as const

export function roomKeys(room: string) {
  const prefix = roomPrefix(room)
  return {
    prefix,
    /** The full Redis key for a data key. */
    full: (key: string) => prefix + key,
    events: `${prefix}events`,
    meta: `${prefix}meta`,
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
  post: (id: number) => `post:${id}`,
  config: (name: string) => `config:${name}`,
}

/** The database row a data key caches, for the consistency oracle and the inspector. */
export function entityOf(key: string): { table: 'users' | 'posts' | 'app_config'; id: string } | undefined {
  const m = /^(user|post|config):([^:]+)$/.exec(key)
  if (!m) return undefined
  const table = m[1] === 'user' ? 'users' : m[1] === 'post' ? 'posts' : 'app_config'
  return { table, id: m[2]! }
}
