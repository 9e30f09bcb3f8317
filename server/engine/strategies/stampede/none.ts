/**
 * No protection: plain cache-aside. Every request that misses queries the database and stores the row, so
 * a burst that arrives while the key is missing makes one query per request, all at once.
 */
import { getEntry, storeEntry } from './entry'
import type { ReadContext, ReadResult, StampedeStrategy } from './types'

export async function readUnprotected(ctx: ReadContext): Promise<ReadResult> {
  const cached = await getEntry(ctx.scope, ctx.key)
  if (cached) return { served: 'hit', version: cached.version }
  const entry = await ctx.load()
  await storeEntry(ctx.scope, ctx.key, entry)
  return { served: 'db', version: entry.version }
}

export const noProtection: StampedeStrategy = { id: 'none', read: readUnprotected }
