/**
 * Switches on the keyspace notifications the cache observer listens to, adding our flags to whatever the
 * server already has rather than replacing them (other programs may share this Redis).
 */
import type { Redis } from 'ioredis'

/**
 * K: keyspace channels (`__keyspace@0__:<key>` → event name), so the observer can PSUBSCRIBE to rooms' keys
 * only (`__keyspace@0__:lab:*`) and Redis drops everything else's notifications before they reach us;
 * g: generic (del, expire, rename, persist);
 * $ l s h z: strings, lists, sets, hashes, sorted sets; x: expired; e: evicted. Not t (streams): the
 * recorder's own XADDs would flood the observer with events it ignores anyway.
 */
export const OBSERVER_FLAGS = 'Kg$lshzxe'

export type KeyspaceStatus = { ok: true; flags: string } | { ok: false; detail: string }

export async function enableKeyspaceEvents(redis: Redis): Promise<KeyspaceStatus> {
  try {
    const reply = (await redis.config('GET', 'notify-keyspace-events')) as string[]
    const current = reply[1] ?? ''
    const flags = mergeFlags(current, OBSERVER_FLAGS)
    if (flags !== current) await redis.config('SET', 'notify-keyspace-events', flags)
    return { ok: true, flags }
  } catch (err) {
    // Managed Redis services often refuse CONFIG; the engine then falls back to its own events.
    return { ok: false, detail: (err as Error).message }
  }
}

/** The union of two flag strings. 'A' is Redis's alias for g$lshztxed, so those need not be repeated. */
export function mergeFlags(current: string, wanted: string): string {
  const have = new Set(current.split(''))
  const covered = have.has('A') ? new Set('g$lshztxed'.split('')) : new Set<string>()
  let out = current
  for (const flag of wanted) if (!have.has(flag) && !covered.has(flag)) out += flag
  return out
}
