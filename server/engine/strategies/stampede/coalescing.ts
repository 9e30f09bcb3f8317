/**
 * Request coalescing (single flight): inside one app server, concurrent misses on a key share one load.
 * The first miss starts it and stores the row; the others await the same promise. It needs no Redis round
 * trip to coordinate, but it is per process: with several app servers, each makes its own query.
 */
import type { Entry } from './entry'
import { getEntry, storeEntry } from './entry'
import type { ReadContext, ReadResult, StampedeStrategy } from './types'

/** Runs `load` unless this server already runs one for `key`; `leader` says whether this call started it. */
export async function singleFlight(
  flights: Map<string, Promise<Entry>>,
  key: string,
  load: () => Promise<Entry>,
): Promise<{ entry: Entry; leader: boolean }> {
  const running = flights.get(key)
  if (running) return { entry: await running, leader: false }
  const flight = load().finally(() => flights.delete(key))
  flights.set(key, flight)
  return { entry: await flight, leader: true }
}

export async function readCoalesced(ctx: ReadContext): Promise<ReadResult> {
  const { scope, key } = ctx
  const cached = await getEntry(scope, key)
  if (cached) return { served: 'hit', version: cached.version }
  const { entry, leader } = await singleFlight(ctx.server.flights, key, async () => {
    const loaded = await ctx.load()
    await storeEntry(scope, key, loaded)
    return loaded
  })
  return { served: leader ? 'db' : 'waited', version: entry.version }
}

export const coalescing: StampedeStrategy = { id: 'coalescing', read: readCoalesced }
