/**
 * Leases, as memcache has them: a miss hands the reader a token, a delete revokes it, and only the holder of
 * the current token may fill.
 *
 * Reader A misses and gets a lease (lease-get-2.lua: GET, and on a miss SET lease:<key> <token> NX PX). Writer
 * B commits and deletes the key together with the lease (lease-invalidate-2.lua). A's fill is a
 * compare-and-set on the token (lease-fill-2.lua): the token is gone, so A's old row is rejected. Readers that
 * miss while someone else holds the lease are told to wait: they serve the database's row without filling,
 * which also keeps a hot key's misses from all filling at once.
 *
 * A lease expires (a holder that dies cannot block the key for ever); a fill slower than the lease is
 * rejected, which is safe: the next reader fills.
 */
import { randomBytes } from 'node:crypto'
import { guardKey } from '../../../lib/keys'
import { roundMs } from '../../../lib/events'
import { SCRIPTS, runScript } from '../lua/scripts'
import type { Scope } from '../room'
import type { UserRow } from '../room-db'
import type { Fill, Invalidation, Lookup, RaceOptions, RaceStrategy } from './race'

/** Replies of lease-get-2.lua and lease-fill-2.lua. */
type LeaseGetReply = ['hit', string] | ['lease', string] | ['wait', string]
type LeaseFillReply = ['filled'] | ['rejected', string]

/** How long a lease lives if its holder never fills. */
export const LEASE_MS = 10_000

/** A fresh lease token: short, random, unique enough for one key. */
export function newLeaseToken(bytes: Buffer = randomBytes(4)): string {
  return bytes.toString('hex')
}

/** Whether a fill with `token` may store: only while that token is the lease Redis holds. */
export function canFill(held: string | null, token: string | undefined): boolean {
  return token !== undefined && held !== null && held === token
}

/** GET, and on a miss a lease (or an instruction to wait for whoever holds it), in one script. */
export async function lookupWithLease(scope: Scope, key: string): Promise<Lookup> {
  const lease = guardKey.lease(key)
  const token = newLeaseToken()
  const started = performance.now()
  const reply = await scope.cache.script(
    'lease-get',
    [key, lease],
    (redis, [full, fullLease]) =>
      runScript<LeaseGetReply>(redis, SCRIPTS.leaseGet, [full!, fullLease!], [token, LEASE_MS]),
    {
      may: [[], ['set', 'expire']],
      effects: (r) => (r[0] === 'lease' ? [{ key: lease, op: 'set', ttlMs: LEASE_MS, record: false }] : []),
      detail: (r) =>
        r[0] === 'hit' ? 'hit' : r[0] === 'lease' ? 'miss, lease granted' : 'miss, lease held by another',
    },
  )
  const ms = roundMs(performance.now() - started)
  if (reply[0] === 'hit') {
    const row = parseRow(reply[1])
    if (row) {
      scope.record('hit', 'cache', { ms, version: row.version }, key)
      return { hit: true, row }
    }
    // Not a row (a value set from outside): serve the database, and leave the fill to a lease holder.
    scope.record('miss', 'cache', { ms, reason: 'unreadable' }, key)
    return { hit: false, denied: true }
  }
  scope.record('miss', 'cache', { ms, reason: 'absent' }, key)
  if (reply[0] === 'lease') {
    scope.record('lease', 'cache', { op: 'grant', token: reply[1] }, lease)
    return { hit: false, lease: reply[1] }
  }
  scope.record('lease', 'cache', { op: 'deny', token: reply[1] || undefined }, lease)
  return { hit: false, denied: true }
}

/** The fill: a compare-and-set on the lease token, which also ends the lease. */
export async function fillWithLease(
  scope: Scope,
  key: string,
  row: UserRow,
  opts: RaceOptions,
  token?: string,
): Promise<Fill> {
  const lease = guardKey.lease(key)
  if (token === undefined) {
    // No lease, no fill: only a lease holder may write the key.
    scope.record('lease', 'cache', { op: 'reject' }, lease)
    return { stored: false, reason: 'no lease' }
  }
  const reply = await scope.cache.script(
    'lease-fill',
    [key, lease],
    (redis, [full, fullLease]) =>
      runScript<LeaseFillReply>(
        redis,
        SCRIPTS.leaseFill,
        [full!, fullLease!],
        [token, JSON.stringify(row), opts.ttlMs],
      ),
    {
      may: [['set', 'expire'], ['del']],
      effects: (r) =>
        r[0] === 'filled'
          ? [
              { key, op: 'set', ttlMs: opts.ttlMs, version: row.version },
              { key: lease, op: 'del', existed: true, record: false },
            ]
          : [],
      detail: (r) =>
        r[0] === 'filled' ? `lease ${token} held: stored v${row.version}` : `lease ${token} no longer held`,
    },
  )
  if (reply[0] === 'filled') {
    scope.record('lease', 'cache', { op: 'fill', token }, lease)
    return { stored: true }
  }
  scope.record('lease', 'cache', { op: 'reject', token }, lease)
  return { stored: false, reason: reply[1] ? `lease now held by ${reply[1]}` : 'lease revoked' }
}

/** The writer's invalidation: DEL the key and its lease together, revoking any token handed out before. */
export async function deleteAndRevoke(scope: Scope, key: string): Promise<Invalidation> {
  const lease = guardKey.lease(key)
  const [deleted, token] = await scope.cache.script(
    'lease-invalidate',
    [key, lease],
    (redis, [full, fullLease]) => runScript<[number, string]>(redis, SCRIPTS.leaseInvalidate, [full!, fullLease!], []),
    {
      may: [['del'], ['del']],
      effects: ([d, t]) => [
        { key, op: 'del', existed: d === 1 },
        { key: lease, op: 'del', existed: t !== '', record: false },
      ],
      detail: ([, t]) => (t ? `revoked lease ${t}` : 'no lease out'),
    },
  )
  if (token) scope.record('lease', 'cache', { op: 'invalidate', token }, lease)
  return { deleted: deleted === 1, revokedLease: token !== '' }
}

function parseRow(raw: string): UserRow | undefined {
  if (!raw.startsWith('{')) return undefined
  try {
    const row = JSON.parse(raw) as UserRow
    return typeof row.version === 'number' ? row : undefined
  } catch {
    return undefined
  }
}

export const leases: RaceStrategy = {
  id: 'lease',
  lookup: (scope, key) => lookupWithLease(scope, key),
  fill: fillWithLease,
  invalidate: (scope, key) => deleteAndRevoke(scope, key),
}
