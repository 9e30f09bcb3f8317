/**
 * How the randomised race mode measures staleness, from the changes its readers and writers made: per key,
 * the periods in which the cache held an older version than the database (stale windows), and the fills that
 * put an old row back after the writer of the newer one had already invalidated the key (stale write-backs:
 * the race, lost). Pure: the changes come stamped with the order the engine saw them complete.
 */
import type { Change } from '../strategies/race'

export interface StaleWindow {
  key: string
  start: number
  end: number
  /**
   * What kept it open: a database write whose invalidation had not run yet ('write'), or a fill of an old row
   * after that invalidation (a stale write-back: 'fill').
   */
  cause: 'write' | 'fill'
  /** Still open when the run ended: it lasts until the value's TTL ends it. */
  open: boolean
}

export interface RunMeasure {
  windows: StaleWindow[]
  /** Fills of a row older than the database's, after the newest version's invalidation had run. */
  writeBacks: number
  /** Stale reads served while a stale fill's window was open (the others fell between a commit and its delete). */
  staleFromFills: number
}

/**
 * Sweeps each key's changes in order. `until` is when the run ended: a window still open then lasts until
 * its cached value expires (nothing else touches the key afterwards), or until `until` if it has no TTL.
 */
export function measureRun(changes: readonly Change[], until: number): RunMeasure {
  const byKey = new Map<string, Change[]>()
  for (const c of changes) {
    const list = byKey.get(c.key) ?? []
    list.push(c)
    byKey.set(c.key, list)
  }
  const windows: StaleWindow[] = []
  let writeBacks = 0
  let staleFromFills = 0
  for (const [key, list] of byKey) {
    list.sort((a, b) => a.seq - b.seq)
    let db: number | null = null
    let invalidated = -1
    let cache: { version: number; expiresAt: number } | null = null
    let open: { start: number; cause: StaleWindow['cause'] } | null = null
    const close = (end: number, still = false) => {
      if (open) windows.push({ key, start: open.start, end: Math.max(open.start, end), cause: open.cause, open: still })
      open = null
    }
    for (const c of list) {
      if (cache && cache.expiresAt <= c.at) {
        close(cache.expiresAt)
        cache = null
      }
      if (c.kind === 'served') {
        if (c.stale && (open as { cause: StaleWindow['cause'] } | null)?.cause === 'fill') staleFromFills += 1
        continue
      }
      let writeBack = false
      if (c.kind === 'db') db = Math.max(db ?? c.version, c.version)
      else if (c.version === null) {
        cache = null
        invalidated = Math.max(invalidated, c.invalidates)
      } else {
        cache = { version: c.version, expiresAt: c.at + c.ttlMs }
        writeBack = db !== null && c.version < db && invalidated >= db
        if (writeBack) writeBacks += 1
      }
      const stale = cache !== null && db !== null && cache.version < db
      // A stale fill that lands before the writer's delete is part of that write's gap: the delete fixes it.
      if (stale && !open) open = { start: c.at, cause: writeBack ? 'fill' : 'write' }
      else if (stale && open && writeBack) open.cause = 'fill'
      else if (!stale && open) close(c.at)
    }
    if (open) {
      const expiresAt: number | undefined = (cache as { expiresAt: number } | null)?.expiresAt
      if (expiresAt !== undefined && expiresAt <= until) close(expiresAt)
      else close(expiresAt ?? until, true)
    }
  }
  return { windows, writeBacks, staleFromFills }
}

/** Count, longest and total length of a set of windows, in ms. */
export function summarize(windows: readonly StaleWindow[]): { count: number; maxMs: number; totalMs: number } {
  let maxMs = 0
  let totalMs = 0
  for (const w of windows) {
    const ms = w.end - w.start
    maxMs = Math.max(maxMs, ms)
    totalMs += ms
  }
  return { count: windows.length, maxMs: Math.round(maxMs), totalMs: Math.round(totalMs) }
}
