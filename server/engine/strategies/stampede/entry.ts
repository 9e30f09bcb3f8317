/**
 * The value every stampede strategy caches: the user's row plus what the expiry rules need, so one shape
 * serves them all. `delta` is how long the value took to recompute (XFetch's Δ), `expiresAt` when its TTL
 * runs out, `softUntil` when it stops being fresh (soft expiry).
 */
import type { Scope } from '../../room'
import type { UserRow } from '../../room-db'
import { errors } from '../../errors'

export interface Entry extends UserRow {
  /** Recompute time, ms (the database query as the app saw it). */
  delta: number
  /** The original TTL, ms, and when it runs out (epoch ms). */
  ttlMs: number
  expiresAt: number
  /** Soft expiry (epoch ms): served as fresh until then. Absent: no soft expiry. */
  softUntil?: number
}

/** Queries the user's row and times it; the result is an entry to cache. */
export async function loadEntry(scope: Scope, userId: number, ttlMs: number, softTtlMs?: number): Promise<Entry> {
  const started = performance.now()
  const row = await scope.db.getUser(userId)
  if (!row) throw errors.invalid(`No user ${userId} in this room`)
  const delta = Math.round((performance.now() - started) * 100) / 100
  const now = Date.now()
  return {
    ...row,
    delta,
    ttlMs,
    expiresAt: now + ttlMs,
    ...(softTtlMs !== undefined ? { softUntil: now + softTtlMs } : {}),
  }
}

/** GET; undefined on a miss. A Redis that fails counts as a miss (the read falls back to the database). */
export async function getEntry(scope: Scope, key: string): Promise<Entry | undefined> {
  try {
    const read = await scope.cache.get<Entry>(key)
    return read.hit ? read.value : undefined
  } catch {
    return undefined
  }
}

/** SET with PX until the entry's expiry (its hard expiry); a failed write only costs a later miss. */
export async function storeEntry(scope: Scope, key: string, entry: Entry): Promise<void> {
  const ttl = Math.max(1, Math.round(entry.expiresAt - Date.now()))
  await scope.cache.set(key, entry, ttl).catch(() => {})
}
