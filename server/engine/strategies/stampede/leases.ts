/**
 * Leases, as memcache has them against stampedes: a miss asks for the value and a lease in one step
 * (stampede-lease-get-3.lua). The first reader in a lease interval gets a token and loads; the others are
 * told to wait a little and ask again, or, if they accept it, get the stale copy kept past the value's TTL.
 * The fill is a compare-and-set on the token (stampede-lease-fill-3.lua), which also refreshes the stale
 * copy and ends the lease. A holder that dies blocks the key for one lease interval at most.
 */
import { randomBytes } from 'node:crypto'
import { guardKey } from '../../../../lib/keys'
import { errors } from '../../errors'
import { SCRIPTS, runScript } from '../../lua/scripts'
import type { Scope } from '../../room'
import { getEntry, type Entry } from './entry'
import { backoffMs, sleep, type ReadContext, type ReadResult, type StampedeStrategy } from './types'

export const staleKey = guardKey.stale
/** How much longer the stale copy lives than the value. */
export const STALE_EXTRA_MS = 60_000

type GetReply = ['hit', string] | ['lease', string] | ['stale', string] | ['wait', string]
type FillReply = ['filled'] | ['rejected', string]

export async function leaseGet(
  scope: Scope,
  key: string,
  token: string,
  leaseMs: number,
  takeStale: boolean,
): Promise<GetReply> {
  const lease = guardKey.lease(key)
  const reply = await scope.cache.script(
    'stampede-lease-get',
    [key, lease, staleKey(key)],
    (redis, fulls) =>
      runScript<GetReply>(redis, SCRIPTS.stampedeLeaseGet, fulls, [token, leaseMs, takeStale ? '1' : '0']),
    {
      may: [[], ['set', 'expire'], []],
      effects: (r) => (r[0] === 'lease' ? [{ key: lease, op: 'set', ttlMs: leaseMs, record: false }] : []),
      detail: (r) =>
        ({
          hit: 'hit',
          lease: 'miss, lease granted',
          stale: 'miss, stale copy served',
          wait: 'miss, lease held: wait',
        })[r[0]],
    },
  )
  if (reply[0] === 'lease') scope.note('lease', 'cache', { op: 'grant', token }, lease)
  else if (reply[0] === 'wait' || reply[0] === 'stale') scope.record('lease', 'cache', { op: 'deny' }, lease)
  return reply
}

export async function leaseFill(scope: Scope, key: string, token: string, entry: Entry): Promise<boolean> {
  const lease = guardKey.lease(key)
  const ttl = Math.max(1, Math.round(entry.expiresAt - Date.now()))
  const staleTtl = ttl + STALE_EXTRA_MS
  const reply = await scope.cache.script(
    'stampede-lease-fill',
    [key, lease, staleKey(key)],
    (redis, fulls) =>
      runScript<FillReply>(redis, SCRIPTS.stampedeLeaseFill, fulls, [token, JSON.stringify(entry), ttl, staleTtl]),
    {
      may: [['set', 'expire'], ['del'], ['set', 'expire']],
      effects: (r) =>
        r[0] === 'filled'
          ? [
              { key, op: 'set', ttlMs: ttl, version: entry.version },
              { key: lease, op: 'del', existed: true, record: false },
              { key: staleKey(key), op: 'set', ttlMs: staleTtl, version: entry.version, record: false },
            ]
          : [],
      detail: (r) => (r[0] === 'filled' ? 'filled, lease ended' : 'lease no longer ours: rejected'),
    },
  )
  scope.note('lease', 'cache', reply[0] === 'filled' ? { op: 'fill', token } : { op: 'reject', token }, lease)
  return reply[0] === 'filled'
}

function parseEntry(raw: string): Entry | undefined {
  try {
    return JSON.parse(raw) as Entry
  } catch {
    return undefined
  }
}

export async function readWithLease(ctx: ReadContext): Promise<ReadResult> {
  const { scope, key, settings } = ctx
  const token = randomBytes(6).toString('hex')
  const deadline = Date.now() + settings.maxWaitMs
  for (let attempt = 0; ; attempt++) {
    const reply = await leaseGet(scope, key, token, settings.lockTtlMs, settings.leaseServesStale)
    if (reply[0] === 'hit' || reply[0] === 'stale') {
      const entry = parseEntry(reply[1])
      const served = reply[0] === 'stale' ? 'stale' : attempt === 0 ? 'hit' : 'waited'
      return { served, version: entry?.version }
    }
    if (reply[0] === 'lease') {
      if (ctx.holderDies()) {
        scope.note('lock', 'cache', { op: 'dead', token }, guardKey.lease(key))
        throw new Error('the lease holder died before filling (its lease stays until its TTL)')
      }
      const entry = await ctx.load()
      await leaseFill(scope, key, token, entry).catch(() => false)
      return { served: 'db', version: entry.version }
    }
    if (Date.now() >= deadline) throw errors.lockTimeout(key, settings.maxWaitMs)
    await sleep(backoffMs(attempt, ctx.random()))
    // A plain GET while the holder works; the lease script again only if the value is still missing (the
    // holder may have died, and its lease expired).
    const filled = await getEntry(scope, key)
    if (filled) return { served: 'waited', version: filled.version }
  }
}

export const leases: StampedeStrategy = { id: 'leases', read: readWithLease }
