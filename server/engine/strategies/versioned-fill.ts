/**
 * Version-checked writes: every cached row carries its version, and the cache refuses to go backwards.
 *
 * The writer's invalidation (tombstone-delete-2.lua) deletes the key and, in the same step, leaves a
 * tombstone carrying the version it just committed. A reader's fill (versioned-fill-2.lua) stores its row
 * only if it is not older than the tombstone and newer than what is cached. Reader A's row of version 1,
 * read before B committed version 2, is refused after B's delete, however late it arrives.
 *
 * The tombstone lives as long as a cached value would (the TTL): a fill slower than that could still land.
 * It costs one small key per write and a script instead of a plain SET; rows must carry a version.
 */
import { guardKey } from '../../../lib/keys'
import { SCRIPTS, runScript } from '../lua/scripts'
import type { Scope } from '../room'
import type { UserRow } from '../room-db'
import { lookupPlain } from './race-naive'
import type { Fill, Invalidation, RaceOptions, RaceStrategy } from './race'

export type FillVerdict = { store: true } | { store: false; reason: 'tombstone' | 'cached'; against: number }

/**
 * Whether a fill of version `incoming` may be stored, given the version cached now and the version of the
 * last delete's tombstone (null when there is none). The rule versioned-fill-2.lua applies in Redis.
 */
export function fillVerdict(incoming: number, cached: number | null, tombstone: number | null): FillVerdict {
  if (tombstone !== null && incoming < tombstone) return { store: false, reason: 'tombstone', against: tombstone }
  if (cached !== null && incoming <= cached) return { store: false, reason: 'cached', against: cached }
  return { store: true }
}

/** The version a tombstone carries after a delete of version `written`: it never goes down. */
export function tombstoneVersion(previous: number | null, written: number): number {
  return previous !== null && previous > written ? previous : written
}

/** The few words a refused fill is recorded with. */
export function refusalText(verdict: Extract<FillVerdict, { store: false }>): string {
  return verdict.reason === 'tombstone'
    ? `older than the delete of v${verdict.against}`
    : `cache already holds v${verdict.against}`
}

/** The fill, as one script: stored only if newer than the cache and not older than the tombstone. */
export async function fillIfNewer(scope: Scope, key: string, row: UserRow, opts: RaceOptions): Promise<Fill> {
  const tomb = guardKey.tombstone(key)
  const reply = await scope.cache.script(
    'versioned-fill',
    [key, tomb],
    (redis, [full, fullTomb]) =>
      runScript<['stored'] | ['refused', 'tombstone' | 'cached', number]>(
        redis,
        SCRIPTS.versionedFill,
        [full!, fullTomb!],
        [JSON.stringify(row), row.version, opts.ttlMs],
      ),
    {
      may: [['set', 'expire'], []],
      effects: (r) => (r[0] === 'stored' ? [{ key, op: 'set', ttlMs: opts.ttlMs, version: row.version }] : []),
      detail: (r) => (r[0] === 'stored' ? `stored v${row.version}` : `refused v${row.version}`),
    },
  )
  if (reply[0] === 'stored') return { stored: true }
  const reason = refusalText({ store: false, reason: reply[1], against: Number(reply[2]) })
  scope.record('refused', 'cache', { reason, version: row.version }, key)
  return { stored: false, reason }
}

/** The writer's invalidation, as one script: DEL the key and leave a tombstone with the version written. */
export async function deleteWithTombstone(
  scope: Scope,
  key: string,
  version: number,
  opts: RaceOptions,
): Promise<Invalidation> {
  const tomb = guardKey.tombstone(key)
  const [deleted, kept] = await scope.cache.script(
    'tombstone-delete',
    [key, tomb],
    (redis, [full, fullTomb]) =>
      runScript<[number, number]>(redis, SCRIPTS.tombstoneDelete, [full!, fullTomb!], [version, opts.ttlMs]),
    {
      may: [['del'], ['set', 'expire']],
      effects: ([existed, v]) => [
        { key, op: 'del', existed: existed === 1 },
        { key: tomb, op: 'set', ttlMs: opts.ttlMs, version: v },
      ],
      detail: ([, v]) => `tombstone v${v}`,
    },
  )
  return { deleted: deleted === 1, tombstone: kept }
}

export const versioned: RaceStrategy = {
  id: 'versioned',
  lookup: (scope, key) => lookupPlain(scope, key),
  fill: fillIfNewer,
  invalidate: deleteWithTombstone,
}
