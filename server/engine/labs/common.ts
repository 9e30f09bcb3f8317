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
