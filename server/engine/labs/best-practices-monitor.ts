/**
 * The best-practices lab's monitoring dashboard reads the room's figures the way a monitoring system would:
 * from the Prometheus text served at GET /metrics (rendered here for this room alone), turned into rates
 * between two scrapes. Pure functions, so the parsing and the arithmetic are tested without a server.
 */

/** The counters the dashboard follows, by their Prometheus names. */
export const WATCHED = {
  invalidations: 'cachelab_invalidations_total',
  hits: 'cachelab_cache_hits_total',
  misses: 'cachelab_cache_misses_total',
  staleReads: 'cachelab_stale_reads_total',
  cacheErrors: 'cachelab_cache_errors_total',
  dbErrors: 'cachelab_db_errors_total',
} as const
export type Watched = keyof typeof WATCHED

export type Scrape = Record<Watched, number>

/** This room's lines of a Prometheus exposition (samples only, no HELP/TYPE). */
export function roomLines(text: string, room: string): string[] {
  const label = `room="${room}"`
  return text.split('\n').filter((line) => !line.startsWith('#') && line.includes(`{${label}`))
}

/** The watched counters of one room, from its exposition lines; a counter not found reads 0. */
export function parseScrape(lines: readonly string[]): Scrape {
  const out = Object.fromEntries(Object.keys(WATCHED).map((k) => [k, 0])) as Scrape
  for (const line of lines) {
    const m = /^([a-z_]+)\{[^}]*\} (\S+)$/.exec(line)
    if (!m) continue
    const field = (Object.keys(WATCHED) as Watched[]).find((k) => WATCHED[k] === m[1])
    if (field) out[field] = Number(m[2])
  }
  return out
}

export interface Rates {
  invalidationsPerSec: number
  /** Hit ratio over the interval, percent; null when there were no reads. */
  hitRatio: number | null
  staleReadsPerSec: number
  cacheErrorsPerSec: number
}

/** Rates between two scrapes `ms` apart (a counter that went down, after a reset, counts from zero). */
export function ratesBetween(prev: Scrape, next: Scrape, ms: number): Rates {
  const d = (k: Watched) => Math.max(0, next[k] - (next[k] < prev[k] ? 0 : prev[k]))
  const per = (k: Watched) => Math.round((d(k) / Math.max(ms, 1)) * 1000 * 10) / 10
  const reads = d('hits') + d('misses')
  return {
    invalidationsPerSec: per('invalidations'),
    hitRatio: reads === 0 ? null : Math.round((d('hits') / reads) * 1000) / 10,
    staleReadsPerSec: per('staleReads'),
    cacheErrorsPerSec: per('cacheErrors'),
  }
}
