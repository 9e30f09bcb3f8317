/**
 * Figures the write-path labs (delete vs update, write-through) publish with their settings, measured by the
 * engine on real requests, and drawn by their comparison panels. Types only: shared by server and browser.
 */

/** One figure tile, as components/lab-stats.tsx draws it. */
export interface LabStatValue {
  label: string
  value: string | number
  hint?: string
  warn?: boolean
}

/** What one write strategy has cost and bought so far in the room. */
export interface StrategyFigures {
  id: string
  label: string
  /** Writes attempted, and how many of them the database rejected. */
  writes: number
  failedWrites: number
  /** Mean end-to-end latency of the writes made one at a time (not a burst's), ms; null before the first. */
  avgWriteMs: number | null
  /** Per write, on average: Redis commands, bytes of value written to Redis, SQL statements. */
  cacheCommandsPerWrite: number | null
  bytesPerWrite: number | null
  dbStatementsPerWrite: number | null
  /**
   * The first read of a key after a write with this strategy: how many, how many served from the cache, and
   * the mean and last latency of those made one at a time.
   */
  nextReads: number
  nextReadHits: number
  /** Of them, how many served a version the database did not hold (stale, or never committed). */
  nextReadsWrong: number
  avgNextReadMs: number | null
  lastNextRead: { ms: number; hit: boolean } | null
  /** Values the write path stored in the cache; of them, read at least once, gone unread, not read yet. */
  stored: number
  readAfterStore: number
  wasted: number
  unread: number
}

/** The steps of the last write as they ran, for the write-path panel. */
export interface WriteTrace {
  strategy: string
  order: 'db-first' | 'cache-first'
  userId: number
  ok: boolean
  ms: number
  steps: { step: 'db-read' | 'db-write' | 'cache-del' | 'cache-set' | 'posts-read'; ok: boolean; ms: number; detail?: string }[]
}

/** Renders a latency for a figure tile. */
export function formatLatency(ms: number | null): string {
  if (ms === null) return '—'
  if (ms < 10) return `${ms.toFixed(1)} ms`
  if (ms < 1000) return `${Math.round(ms)} ms`
  return `${(ms / 1000).toFixed(2)} s`
}
