/**
 * Soft vs hard expiry: the value lives in Redis until its hard expiry (the key's TTL) but counts as fresh
 * only until its soft expiry (`softUntil`, stored with it). Between the two, reads are served the stale
 * value at once and one of them refreshes it in the background; `SET refresh:<key> NX PX` makes that one
 * refresh for the whole fleet, not one per request or per server. Past the hard expiry the key is gone and
 * the read is a plain miss.
 */
import { guardKey } from '../../../../lib/keys'
import { getEntry, storeEntry } from './entry'
import type { ReadContext, ReadResult, StampedeStrategy } from './types'

export const refreshKey = guardKey.refresh

/** 'fresh' before the soft expiry, 'stale' between soft and hard. */
export function softState(softUntil: number | undefined, now: number): 'fresh' | 'stale' {
  return softUntil === undefined || now < softUntil ? 'fresh' : 'stale'
}

export async function readSoft(ctx: ReadContext): Promise<ReadResult> {
  const { scope, key, settings } = ctx
  const cached = await getEntry(scope, key)
  if (!cached) {
    const entry = await ctx.load()
    await storeEntry(scope, key, entry)
    return { served: 'db', version: entry.version }
  }
  if (softState(cached.softUntil, Date.now()) === 'fresh') return { served: 'hit', version: cached.version }
  // Stale: claim the refresh (one per key until the claim expires or the refresh is stored), serve stale.
  const claimed = await scope.cache.setNx(refreshKey(key), scope.req, settings.lockTtlMs).catch(() => false)
  if (claimed) {
    ctx.background(async () => {
      const entry = await ctx.load()
      await storeEntry(scope, key, entry)
      await scope.cache.del(refreshKey(key)).catch(() => {})
    })
  }
  return { served: 'stale', version: cached.version }
}

export const softExpiry: StampedeStrategy = { id: 'soft', read: readSoft }
