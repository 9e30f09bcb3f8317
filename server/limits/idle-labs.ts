/**
 * Gives back the Redis connections of rooms nobody uses: a room whose labs opened app servers (each with
 * its own connections) and then saw no request for `idleMs` has every lab leave, which closes them. The
 * room itself stays (its keys, stream and rows are the janitor's, after ROOM_IDLE_MINUTES); the next action
 * opens what its lab needs again.
 */
import type { Rooms } from '../engine/rooms'

export function releaseIdleLabs(rooms: Rooms, idleMs: number): () => void {
  const timer = setInterval(() => releaseNow(rooms, idleMs), Math.max(1000, Math.min(30_000, idleMs / 2)))
  timer.unref()
  return () => clearInterval(timer)
}

/** One pass: returns the ids of the rooms whose labs were told to leave. */
export function releaseNow(rooms: Rooms, idleMs: number, now = Date.now()): string[] {
  const released: string[] = []
  for (const live of rooms.all()) {
    if (live.demo || live.room.connectionCount === 0 || now - live.room.lastActive < idleMs) continue
    for (const lab of live.labs.values()) lab.leave?.()
    // Whichever lab acts next enters afresh (its room-wide settings apply again).
    live.active = undefined
    released.push(live.room.id)
  }
  return released
}
