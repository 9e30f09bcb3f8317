/**
 * The deterministic interleaving, as data: which actor does what, in which order, for each strategy. Every
 * strategy runs the same race (A misses and reads the row, B writes it and invalidates, A fills, C reads);
 * only the operations differ. For delayed double delete the order of A's fill and B's second delete follows
 * from the timing: B deletes again `delayMs` after its first delete, A's fill lands `fillLagMs` after it.
 */
import { RACE_STRATEGIES, type RaceActor, type RaceOp, type RaceStrategyId } from '../../../lib/labs/races-model'
import { secondDeleteCatches } from '../strategies/double-delete'

export interface ScriptStep {
  actor: RaceActor
  op: RaceOp
  text: string
  atMs?: number
}

export interface Timing {
  delayMs: number
  fillLagMs: number
  /** TTL of a fill, for the SET's text. */
  ttlMs: number
}

export function raceScript(strategy: RaceStrategyId, key: string, timing: Timing): ScriptStep[] {
  const ttl = `PX ${timing.ttlMs}`
  const lookup: ScriptStep =
    strategy === 'lease'
      ? { actor: 'A', op: 'lookup', text: `EVAL lease-get: GET ${key}; on a miss SET lease:${key} <token> NX` }
      : { actor: 'A', op: 'lookup', text: `GET ${key}` }
  const select: ScriptStep = { actor: 'A', op: 'select', text: 'SELECT the row from the database' }
  const update: ScriptStep = { actor: 'B', op: 'update', text: 'UPDATE the row (version + 1)' }
  const invalidate: ScriptStep =
    strategy === 'versioned'
      ? { actor: 'B', op: 'invalidate', text: `EVAL tombstone-delete: DEL ${key}, SET tomb:${key} <new version>` }
      : strategy === 'lease'
        ? { actor: 'B', op: 'invalidate', text: `EVAL lease-invalidate: DEL ${key} and lease:${key}` }
        : { actor: 'B', op: 'invalidate', text: `DEL ${key}` }
  const fill: ScriptStep =
    strategy === 'versioned'
      ? { actor: 'A', op: 'fill', text: `EVAL versioned-fill: SET ${key} <A's row> only if newer` }
      : strategy === 'lease'
        ? { actor: 'A', op: 'fill', text: `EVAL lease-fill: SET ${key} <A's row> only with A's token` }
        : { actor: 'A', op: 'fill', text: `SET ${key} <A's row> ${ttl}` }
  const read: ScriptStep = { actor: 'C', op: 'read', text: `Read ${key} through the cache` }

  if (strategy !== 'double-delete') return [lookup, select, update, invalidate, fill, read]

  const first = { ...invalidate, atMs: 0 }
  const late = { ...fill, atMs: timing.fillLagMs }
  const again: ScriptStep = {
    actor: 'B',
    op: 'delete-again',
    text: `DEL ${key} again, ${timing.delayMs} ms after the first`,
    atMs: timing.delayMs,
  }
  const middle = secondDeleteCatches(timing.delayMs, timing.fillLagMs) ? [late, again] : [again, late]
  return [lookup, select, update, first, ...middle, read]
}

/** The strategy's name as the panel and the timeline say it. */
export function strategyLabel(strategy: RaceStrategyId): string {
  return RACE_STRATEGIES[strategy].label
}
