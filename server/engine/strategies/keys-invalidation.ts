/**
 * Pattern invalidation with KEYS: one call returns every key that matches, then one UNLINK deletes them.
 * Two round trips, simple, and wrong for production: KEYS walks every key in the database (all of them,
 * whatever the pattern) in one go, and Redis runs nothing else meanwhile. At about 0.3 µs a key, a million
 * keys hold every client of the server for around a third of a second.
 *
 * Here it is bounded so the lab cannot hurt the server it runs on: refused when the database holds more
 * keys than a limit, at most once every few seconds per room, and one at a time across rooms. While it
 * runs, another client PINGs the server, and the time that PING waited is recorded.
 */
import { parseRoomKey } from '../../../lib/keys'
import type { Scope } from '../room'

export interface KeysGuard {
  /** Refuse KEYS above this many keys in the database. */
  maxDbsize: number
  /** Per room, at least this long between two KEYS. */
  cooldownMs: number
}

export type KeysVerdict = { ok: true } | { ok: false; reason: string }

/** Whether KEYS may run now (pure). */
export function keysVerdict(dbsize: number, now: number, lastAt: number | undefined, guard: KeysGuard): KeysVerdict {
  if (dbsize > guard.maxDbsize) {
    return {
      ok: false,
      reason: `KEYS refused: this Redis holds ${dbsize.toLocaleString('en')} keys, more than the lab's limit of ${guard.maxDbsize.toLocaleString('en')}; KEYS would block every client while it walks them all`,
    }
  }
  if (lastAt !== undefined && now - lastAt < guard.cooldownMs) {
    const wait = Math.ceil((guard.cooldownMs - (now - lastAt)) / 1000)
    return {
      ok: false,
      reason: `KEYS is limited to once every ${guard.cooldownMs / 1000} s per room: try again in ${wait} s`,
    }
  }
  return { ok: true }
}

export interface KeysOutcome {
  dbsize: number
  matched: number
  deleted: number
  /** How long KEYS took, seen from this app. */
  keysMs: number
  /** Each PING another client sent while KEYS ran. */
  probes: number[]
  roundTrips: number
  ms: number
}

/**
 * KEYS `pattern` then UNLINK what it returned. `probe` runs the KEYS call while timing another client;
 * `dbsize` is what DBSIZE said just before (already checked against the guard).
 */
export async function invalidateWithKeys(
  scope: Scope,
  pattern: string,
  dbsize: number,
  probe: <T>(op: () => Promise<T>) => Promise<{ result: T; probes: number[] }>,
): Promise<KeysOutcome> {
  const started = performance.now()
  let keysMs = 0
  const { result: keys, probes } = await probe(async () => {
    const t = performance.now()
    const found = await scope.cache.command('KEYS', pattern, (redis, full) => redis.keys(full), {
      detail: (k) => `${k.length} matched, out of ${dbsize.toLocaleString('en')} keys walked`,
    })
    keysMs = performance.now() - t
    return found
  })
  const roomKeys = keys.flatMap((full) => parseRoomKey(full)?.key ?? [])
  const deleted = roomKeys.length > 0 ? await scope.cache.unlink(roomKeys) : 0
  return {
    dbsize,
    matched: roomKeys.length,
    deleted,
    keysMs: Math.round(keysMs * 100) / 100,
    probes,
    roundTrips: roomKeys.length > 0 ? 2 : 1,
    ms: Math.round((performance.now() - started) * 100) / 100,
  }
}
