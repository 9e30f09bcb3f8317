/**
 * Pattern invalidation with the SCAN cursor loop: SCAN 0 MATCH user:<id>:* COUNT n, delete what each call
 * returns, continue from the cursor it hands back, stop when the cursor is 0 again.
 *
 * SCAN never blocks Redis for long: each call walks only about COUNT slots of the keyspace. The price is
 * round trips (a large keyspace takes many calls even when few keys match) and a weak promise: a key that
 * exists for the whole loop is returned at least once, but may be returned more than once (when the table
 * is resized between calls), and keys added meanwhile may or may not be seen. Deleting is idempotent, so a
 * duplicate costs a delete loop nothing; a loop that collects keys must dedupe them with a Set.
 *
 * The loop is held here as data (ScanIteration), so the lab can run it one call at a time.
 */
import { dataKey } from '../../../lib/keys'
import type { ScanMode, ScanRow } from '../../../lib/labs/pattern-invalidation'
import type { Scope } from '../room'

export interface ScanIteration {
  userId: number
  /** The MATCH pattern, on room keys. */
  match: string
  /** SSCAN mode: the set walked (the user's tag set), whose members are the keys to invalidate. */
  set?: string
  mode: ScanMode
  cursor: string
  done: boolean
  calls: number
  examined: number
  returned: number
  duplicates: number
  deleted: number
  /** Round trips the loop itself made (SCAN calls and deletes). */
  roundTrips: number
  ms: number
  probeMaxMs: number | null
  /** The other client's wait during each call (the latest calls'). */
  probes: number[]
  /** Every key returned so far (the client-side dedupe). */
  seen: Set<string>
  rows: ScanRow[]
  /** Rows dropped from the front of `rows` to keep it short. */
  droppedRows: number
  /**
   * Resize mode: how many times the table was grown and shrunk, whether the last call ran on a grown table
   * (so this one runs on the shrunk table, with that call's cursor), and why the loop stopped resizing.
   */
  resize: { cycles: number; lastGrown: boolean; note?: string }
  startedAt: number
}

/** Rows an iteration keeps (the timeline has every call). */
export const KEPT_ROWS = 200
/** Probe figures an iteration keeps for its median. */
const KEPT_PROBES = 5000

/** The middle value (pure); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round(((sorted[mid - 1]! + sorted[mid]!) / 2) * 100) / 100
}

/** `user:<id>:*`: the trailing colon keeps user 1's pattern off user 10's keys. */
export function userPattern(userId: number): string {
  return `user:${userId}:*`
}

export function newIteration(userId: number, mode: ScanMode, match = userPattern(userId)): ScanIteration {
  return {
    userId,
    match,
    set: mode === 'sscan' ? dataKey.userTag(userId) : undefined,
    mode,
    cursor: '0',
    done: false,
    calls: 0,
    examined: 0,
    returned: 0,
    duplicates: 0,
    deleted: 0,
    roundTrips: 0,
    ms: 0,
    probeMaxMs: null,
    probes: [],
    seen: new Set(),
    rows: [],
    droppedRows: 0,
    resize: { cycles: 0, lastGrown: false },
    startedAt: Date.now(),
  }
}

/**
 * Adds one call's keys to the keys seen so far: which are new, and how many the loop had already seen
 * (pure apart from growing `seen`).
 */
export function absorb(seen: Set<string>, keys: readonly string[]): { fresh: string[]; duplicates: number } {
  const fresh: string[] = []
  let duplicates = 0
  for (const k of keys) {
    if (seen.has(k)) duplicates += 1
    else {
      seen.add(k)
      fresh.push(k)
    }
  }
  return { fresh, duplicates }
}

/** The cursor SCAN hands back when the iteration is complete. */
export function isFinalCursor(cursor: string): boolean {
  return cursor === '0'
}

export interface StepHooks {
  /** Times another client while `op` runs (the probe). */
  probe<T>(op: () => Promise<T>): Promise<{ result: T; probes: number[] }>
  /** Called before the SCAN call; returns a note for the row (the table was grown). */
  before?(it: ScanIteration): Promise<string | undefined>
  /** Called after the SCAN call (and its deletes); returns a note for the row. */
  after?(it: ScanIteration): Promise<string | undefined>
}

/**
 * One call of the loop: SCAN from the iteration's cursor with `count` (SSCAN over the tag set in sscan
 * mode), dedupe what it returned, and in delete mode UNLINK it at once. When the cursor comes back as 0,
 * the other modes UNLINK every key they gathered, once each (and the tag set itself, in sscan mode).
 * Returns the row for the table.
 */
export async function scanStep(scope: Scope, it: ScanIteration, count: number, hooks: StepHooks): Promise<ScanRow> {
  const started = performance.now()
  const notes: string[] = []
  const before = await hooks.before?.(it)
  if (before) notes.push(before)
  const set = it.set
  const call = set
    ? () => scope.cache.sscan(set, it.cursor, it.match, count, it.seen)
    : () => scope.cache.scan(it.cursor, it.match, count, it.seen)
  const { result: step, probes } = await hooks.probe(call)
  const { fresh, duplicates } = absorb(it.seen, step.keys)
  let deleted = 0
  if (it.mode === 'delete' && step.keys.length > 0) {
    deleted = await scope.cache.unlink(step.keys)
    it.roundTrips += 1
  }
  const done = isFinalCursor(step.next)
  if (done && it.mode !== 'delete' && (it.seen.size > 0 || set)) {
    deleted = await scope.cache.unlink(set ? [...it.seen, set] : [...it.seen])
    it.roundTrips += 1
  }
  const after = await hooks.after?.(it)
  if (after) notes.push(after)
  const probeMs = probes.length > 0 ? Math.max(...probes) : null
  const row: ScanRow = {
    n: it.calls + 1,
    cursor: it.cursor,
    next: step.next,
    count,
    examined: step.examined,
    returned: step.keys.length,
    fresh: fresh.length,
    duplicates,
    deleted,
    ms: Math.round((performance.now() - started) * 100) / 100,
    probeMs,
    note: notes.length > 0 ? notes.join('; ') : undefined,
  }
  it.calls += 1
  it.roundTrips += 1
  it.cursor = step.next
  it.done = done
  it.examined += step.examined
  it.returned += step.keys.length
  it.duplicates += duplicates
  it.deleted += deleted
  it.ms += row.ms
  if (probeMs !== null) {
    it.probeMaxMs = Math.max(it.probeMaxMs ?? 0, probeMs)
    it.probes.push(probeMs)
    if (it.probes.length > KEPT_PROBES) it.probes.shift()
  }
  it.rows.push(row)
  if (it.rows.length > KEPT_ROWS) {
    it.rows.shift()
    it.droppedRows += 1
  }
  return row
}

/**
 * The whole loop at once, for sweeping a pattern (an old cache generation): SCAN with a large COUNT and
 * UNLINK each batch, until the cursor is 0 or `maxCalls` calls were made.
 */
export async function scanAndUnlink(
  scope: Scope,
  match: string,
  count: number,
  maxCalls: number,
): Promise<{ calls: number; deleted: number; done: boolean }> {
  let cursor = '0'
  let calls = 0
  let deleted = 0
  do {
    const step = await scope.cache.scan(cursor, match, count)
    calls += 1
    if (step.keys.length > 0) deleted += await scope.cache.unlink(step.keys)
    cursor = step.next
  } while (!isFinalCursor(cursor) && calls < maxCalls)
  return { calls, deleted, done: isFinalCursor(cursor) }
}
