import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { UNWATCHED_GRACE_MS, whenUnwatched } from './unwatched'

describe('whenUnwatched', () => {
  beforeEach(() => void vi.useFakeTimers())
  afterEach(() => void vi.useRealTimers())

  const watch = (viewers: number) => {
    const room = { viewers }
    const onLeft = vi.fn()
    const stop = whenUnwatched(room, onLeft)
    return { room, onLeft, stop }
  }

  it('calls once when a watched room has had no viewer for the whole grace period, not a second before', async () => {
    const w = watch(1)
    await vi.advanceTimersByTimeAsync(5000)
    w.room.viewers = 0
    await vi.advanceTimersByTimeAsync(UNWATCHED_GRACE_MS - 1000)
    expect(w.onLeft).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(2000)
    expect(w.onLeft).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(UNWATCHED_GRACE_MS * 2)
    expect(w.onLeft).toHaveBeenCalledTimes(1)
  })

  it('starts the grace period again when a viewer comes back within it', async () => {
    const w = watch(1)
    w.room.viewers = 0
    await vi.advanceTimersByTimeAsync(UNWATCHED_GRACE_MS - 5000)
    w.room.viewers = 1
    await vi.advanceTimersByTimeAsync(2000)
    w.room.viewers = 0
    await vi.advanceTimersByTimeAsync(UNWATCHED_GRACE_MS - 5000)
    expect(w.onLeft).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(7000)
    expect(w.onLeft).toHaveBeenCalledTimes(1)
  })

  it('never calls for a room nobody watched (driven over the API), or once stopped', async () => {
    const never = watch(0)
    await vi.advanceTimersByTimeAsync(UNWATCHED_GRACE_MS * 10)
    expect(never.onLeft).not.toHaveBeenCalled()

    const stopped = watch(1)
    stopped.stop()
    stopped.room.viewers = 0
    await vi.advanceTimersByTimeAsync(UNWATCHED_GRACE_MS * 2)
    expect(stopped.onLeft).not.toHaveBeenCalled()
  })

  it('counts a viewer that arrives after the watch began', async () => {
    const w = watch(0)
    await vi.advanceTimersByTimeAsync(10_000)
    w.room.viewers = 2
    await vi.advanceTimersByTimeAsync(1000)
    w.room.viewers = 0
    await vi.advanceTimersByTimeAsync(UNWATCHED_GRACE_MS + 1000)
    expect(w.onLeft).toHaveBeenCalledTimes(1)
  })
})
