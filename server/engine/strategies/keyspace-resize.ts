/**
 * Making Redis resize its main hash table in the middle of a SCAN loop, which is when SCAN can return a key
 * twice.
 *
 * Redis keeps every key of a database in one hash table whose size is a power of two. It doubles the table
 * when it holds as many keys as slots, and halves it (in its background cycle, about every 100 ms) when
 * fewer than a tenth of the slots are used. A SCAN cursor is a position in the table; after the table
 * shrinks, the next call walks a slot of the smaller table that gathers keys from slots of the bigger one
 * the loop had already walked, and those keys come back again.
 *
 * So: before a SCAN call, add enough short-lived keys that the table grows past ten times the keys the
 * database will hold afterwards; after the call, delete them and wait for Redis to shrink the table. The
 * temporary keys live outside every room (no timeline hears of them) and carry a 60 s TTL in case this
 * process dies before deleting them. How many are needed depends on every key in the database, other
 * programs' too; above a limit the lab does not try, and says so.
 */
import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import { scratchKey } from '../../../lib/keys'
import type { Scope } from '../room'
import { execOrThrow } from './user-keys'

/** Keys per pipelined round trip. */
const BATCH = 2000
/** Redis shrinks a table whose fill is below this (percent), and grows it when keys reach its size. */
const MIN_FILL_PERCENT = 10
/** How long to give Redis's background cycle (10 times a second by default) to shrink the table. */
export const SHRINK_WAIT_MS = 250

export type ResizePlan =
  { ok: true; add: number; tableAfterGrow: number; tableAfterShrink: number } | { ok: false; reason: string }

function nextPow2(n: number): number {
  let p = 4
  while (p < n) p *= 2
  return p
}

/**
 * How many temporary keys make the table grow to more than ten times `dbsize` (so that deleting them makes
 * it shrink again), or why not (pure). The table doubles when the keys reach its size, so to reach size S
 * the database must hold S/2 + 1 keys.
 */
export function resizePlan(dbsize: number, maxAdd: number): ResizePlan {
  const keep = Math.max(1, dbsize)
  const target = nextPow2(Math.ceil((keep * 100) / MIN_FILL_PERCENT) + 1)
  const add = target / 2 + 1 - keep
  if (add > maxAdd) {
    return {
      ok: false,
      reason: `this Redis holds ${dbsize.toLocaleString('en')} keys: growing its table past ten times that would take ${add.toLocaleString('en')} temporary keys, more than the ${maxAdd.toLocaleString('en')} the lab allows`,
    }
  }
  return { ok: true, add: Math.max(0, add), tableAfterGrow: target, tableAfterShrink: nextPow2(keep) }
}

/** One process resizes at a time, whichever room asks. */
let busy = false

export interface Grown {
  batch: string
  added: number
}

/** Adds `n` temporary keys (60 s TTL) outside every room. Undefined if another room is resizing right now. */
export async function growKeyspace(redis: Redis, room: string, n: number): Promise<Grown | undefined> {
  if (busy) return undefined
  busy = true
  const batch = randomBytes(4).toString('hex')
  try {
    for (let i = 0; i < n; i += BATCH) {
      const pipeline = redis.pipeline()
      for (let j = i; j < Math.min(n, i + BATCH); j++) pipeline.set(scratchKey.churn(room, batch, j), '1', 'EX', 60)
      await pipeline.exec()
    }
    return { batch, added: n }
  } catch (err) {
    busy = false
    throw err
  }
}

/** Deletes the temporary keys again; Redis shrinks the table in its next background cycle. */
export async function shrinkKeyspace(redis: Redis, room: string, grown: Grown): Promise<void> {
  try {
    for (let i = 0; i < grown.added; i += BATCH) {
      const keys: string[] = []
      for (let j = i; j < Math.min(grown.added, i + BATCH); j++) keys.push(scratchKey.churn(room, grown.batch, j))
      await redis.unlink(...keys)
    }
  } finally {
    busy = false
  }
}

/**
 * The same resize on one set's own table, for SSCAN: independent of everything else in Redis, so it works
 * on a busy server too. A set grows its table as members are added, and shrinks it on SREM once fewer than
 * a tenth of the slots are used; the move into the smaller table then advances one step with each later
 * command on the set (SSCAN does not move it), so one SMISMEMBER of a few hundred names finishes it before
 * the next SSCAN call.
 */
export const TEMP_MEMBER = '~resize:'

export interface GrownSet {
  members: string[]
  /** Lookups that finish moving the set into its smaller table. */
  finish: number
}

/** Adds temporary members (named so that no MATCH on keys selects them) to the set at `key`. */
export async function growSet(scope: Scope, key: string, plan: Extract<ResizePlan, { ok: true }>): Promise<GrownSet> {
  const batch = randomBytes(3).toString('hex')
  const members = Array.from({ length: plan.add }, (_, i) => `${TEMP_MEMBER}${batch}:${i}`)
  await scope.cache.bulk('SADD', key, [[key, ['sadd']]], (redis, full) => redis.sadd(full(key), ...members), {
    detail: () =>
      `${plan.add.toLocaleString('en')} temporary members: the set's table grows to ${plan.tableAfterGrow.toLocaleString('en')} slots`,
  })
  return { members, finish: Math.ceil(plan.tableAfterGrow / 8) + 64 }
}

/** Removes them again (the set's table shrinks) and finishes the move into the smaller table. */
export async function shrinkSet(scope: Scope, key: string, grown: GrownSet): Promise<void> {
  const probes = grown.members.slice(0, grown.finish)
  await scope.cache.bulk(
    'SREM',
    key,
    [[key, ['srem']]],
    async (redis, full) => {
      const pipeline = redis.pipeline().srem(full(key), ...grown.members)
      if (probes.length > 0) pipeline.smismember(full(key), ...probes)
      return execOrThrow(pipeline)
    },
    {
      detail: () =>
        `the temporary members again, then SMISMEMBER ×${probes.length}: the set's table shrinks and is fully moved`,
    },
  )
}
