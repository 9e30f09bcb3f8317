/** What every lab's engine does the same way: reset the room, set the database latency, name a setting. */
import { make } from '../../../lib/events'
import type { Room } from '../room'
import type { LabEnv } from './lab'

/** Records a setting change on the timeline. */
export function recordSetting(room: Room, name: string, value: string | number | boolean | null): void {
  room.record(make('setting', 'app', { name, value }))
}

/** Sets the artificial database latency of the room's every query. */
export function setDbLatency(room: Room, ms: number, jitterMs: number): { dbLatencyMs: number; dbJitterMs: number } {
  room.dbLatency = { ms, jitterMs }
  recordSetting(room, 'dbLatency', `${ms} ms ± ${jitterMs} ms`)
  return { dbLatencyMs: ms, dbJitterMs: jitterMs }
}

/**
 * The database latency a lab's settings ask for (`dbLatencyMs`, `dbJitterMs`, at the top of its state or in
 * its `settings`), or undefined for a lab without one.
 */
export function dbLatencyOf(state: unknown): { ms: number; jitterMs: number } | undefined {
  const top = (state ?? {}) as { dbLatencyMs?: unknown; dbJitterMs?: unknown; settings?: unknown }
  const holder = typeof top.dbLatencyMs === 'number' ? top : ((top.settings ?? {}) as typeof top)
  if (typeof holder.dbLatencyMs !== 'number') return undefined
  return { ms: holder.dbLatencyMs, jitterMs: typeof holder.dbJitterMs === 'number' ? holder.dbJitterMs : 0 }
}

/**
 * The room moved to this lab: the database latency is the room's, but each lab has its own setting, so the
 * lab's own comes back (recorded when it changes anything). Without this, one lab's setting (the stampede
 * lab's 50 ms) slowed every other lab whose controls said 0.
 */
export function enterLab(room: Room, state: unknown): void {
  const wanted = dbLatencyOf(state)
  if (!wanted) return
  if (room.dbLatency.ms === wanted.ms && room.dbLatency.jitterMs === wanted.jitterMs) return
  setDbLatency(room, wanted.ms, wanted.jitterMs)
}

/**
 * Puts the room back to a clean start: database latency off, Redis and the database working for the room,
 * the cache emptied (each delete recorded), the rows restored to the seed data, the oracle's memory cleared.
 * The lab resets its own settings.
 */
export async function resetRoom(room: Room, env: LabEnv): Promise<{ deleted: number }> {
  room.dbLatency = { ms: 0, jitterMs: 0 }
  // Outages a lab caused (the best-practices lab's Redis down and failing database) end with any lab's reset.
  room.dbFailing = false
  room.setRedisMode('up')
  room.record(make('marker', 'app', { text: 'Lab reset: cache emptied, rows restored, settings back to defaults' }))
  const deleted = await env.clearCache()
  await env.reseed()
  room.oracle.forget()
  return { deleted }
}
