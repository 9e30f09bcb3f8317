/**
 * Probabilistic early expiration: on a hit, a read may decide to recompute the value before it expires, so
 * one request refreshes it while everyone else still hits, instead of all of them missing at the expiry.
 *
 *   linear  refresh with probability 1 − remaining / original TTL (the simple rule).
 *   xfetch  refresh when now − Δ·β·ln(random) ≥ expiry, Δ the recompute time stored with the value: the
 *           chance rises steeply only in the last few Δ before the expiry, so few reads refresh, and early
 *           enough for a slow recompute.
 *
 * The read that decides recomputes itself (and answers with the fresh value); the rest keep hitting. Once
 * the key has expired it is plain cache-aside: early expiration prevents a stampede, it does not absorb one.
 * The rules themselves are pure functions in lib/labs/stampede-math.ts (the XFetch plot draws them too).
 */
import { linearShouldRefresh, xfetchShouldRefresh } from '../../../../lib/labs/stampede-math'
import type { Entry } from './entry'
import { getEntry, storeEntry } from './entry'
import type { ReadContext, ReadResult, StampedeStrategy } from './types'

export type EarlyRule = 'linear' | 'xfetch'

/** Whether a read at `now` of this entry refreshes early under the rule. */
export function refreshesEarly(rule: EarlyRule, entry: Entry, now: number, beta: number, random: number): boolean {
  if (rule === 'linear') return linearShouldRefresh(entry.expiresAt - now, entry.ttlMs, random)
  return xfetchShouldRefresh(now, entry.expiresAt, entry.delta, beta, random)
}

function earlyExpiration(rule: EarlyRule) {
  return async (ctx: ReadContext): Promise<ReadResult> => {
    const { scope, key } = ctx
    const cached = await getEntry(scope, key)
    const now = Date.now()
    if (cached && !refreshesEarly(rule, cached, now, ctx.settings.beta, 1 - ctx.random())) {
      return { served: 'hit', version: cached.version }
    }
    if (cached) ctx.refreshed(cached.expiresAt - now)
    const entry = await ctx.load()
    await storeEntry(scope, key, entry)
    return { served: 'db', version: entry.version }
  }
}

export const earlyLinear: StampedeStrategy = { id: 'early-linear', read: earlyExpiration('linear') }
export const xfetch: StampedeStrategy = { id: 'xfetch', read: earlyExpiration('xfetch') }
