/**
 * Naive cache-aside, the strategy that loses the race. A reader GETs the key and, on a miss, SETs the row it
 * read with the TTL, whatever happened since it read it; a writer DELs the key after its database write. When
 * a reader's SET of an old row lands after a writer's DEL, the old row stays cached until the TTL ends it.
 */
import type { UserRow } from '../room-db'
import type { Scope } from '../room'
import type { Fill, Invalidation, Lookup, RaceOptions, RaceStrategy } from './race'

/** GET the key. */
export async function lookupPlain(scope: Scope, key: string): Promise<Lookup> {
  const cached = await scope.cache.get<UserRow>(key)
  return cached.hit ? { hit: true, row: cached.value } : { hit: false }
}

/** SET the row with the TTL, unconditionally: the step the race turns into a stale write-back. */
export async function fillPlain(scope: Scope, key: string, row: UserRow, opts: RaceOptions): Promise<Fill> {
  await scope.cache.set(key, row, opts.ttlMs)
  return { stored: true }
}

/** DEL the key after the database write. */
export async function deleteKey(scope: Scope, key: string): Promise<Invalidation> {
  return { deleted: await scope.cache.del(key) }
}

export const naive: RaceStrategy = {
  id: 'naive',
  lookup: (scope, key) => lookupPlain(scope, key),
  fill: (scope, key, row, opts) => fillPlain(scope, key, row, opts),
  invalidate: (scope, key) => deleteKey(scope, key),
}
