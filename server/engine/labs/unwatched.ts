/**
 * Tells a lab that its room has been left alone, so background work a learner started (a schedule) does not
 * run on for nobody. The room's viewer count is a plain number the socket layer keeps, with no event when it
 * changes, so the watch looks at it once a second.
 *
 * Only a room someone has watched can be left: a room driven over the API alone (tests, benches) has no
 * viewers from start to end, and its background work runs as it always has.
 */
import type { Room } from '../room'

/** How long a room may have no browser before it counts as left: a reload or a dropped connection is back well within it. */
export const UNWATCHED_GRACE_MS = 30_000
/** How often the watch reads the viewer count; a left room is noticed at most this late. */
const LOOK_EVERY_MS = 1000

/**
 * Calls `onLeft` once, when the room has had no viewer for UNWATCHED_GRACE_MS after having had one since the
 * watch began. Returns the stop.
 */
export function whenUnwatched(room: Pick<Room, 'viewers'>, onLeft: () => void): () => void {
  let watched = false
  let aloneSince: number | undefined
  const look = () => {
    if (room.viewers > 0) {
      watched = true
      aloneSince = undefined
      return
    }
    if (!watched) return
    // The monotonic clock: a wall clock set back or forward must not shorten or stretch the grace.
    aloneSince ??= performance.now()
    if (performance.now() - aloneSince < UNWATCHED_GRACE_MS) return
    clearInterval(timer)
    onLeft()
  }
  const timer = setInterval(look, LOOK_EVERY_MS)
  timer.unref()
  look()
  return () => clearInterval(timer)
}
