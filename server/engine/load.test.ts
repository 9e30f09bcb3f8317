import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { isWriteTick, startLoad } from './load'

function writes(ratio: number, ticks: number): number[] {
  const out: number[] = []
  for (let i = 0; i < ticks; i++) if (isWriteTick(i, ratio)) out.push(i)
  return out
}

describe('isWriteTick', () => {
  it('makes every round(1/ratio)-th tick a write', () => {
    expect(writes(0.2, 20)).toEqual([4, 9, 14, 19])
    expect(writes(0.5, 8)).toEqual([1, 3, 5, 7])
    expect(writes(0.05, 100)).toEqual([19, 39, 59, 79, 99])
    expect(writes(1, 4)).toEqual([0, 1, 2, 3])
  })

  it('never writes at ratio 0 (or below)', () => {
    expect(writes(0, 1000)).toEqual([])
    expect(writes(-0.5, 1000)).toEqual([])
  })

  it('writes about the asked share, deterministically', () => {
    for (const ratio of [0.05, 0.1, 0.2, 0.25, 0.5]) {
      expect(writes(ratio, 10_000).length / 10_000).toBeCloseTo(ratio, 2)
      expect(writes(ratio, 500)).toEqual(writes(ratio, 500))
    }
  })
})

describe('startLoad', () => {
  beforeEach(() => void vi.useFakeTimers())
  afterEach(() => void vi.useRealTimers())

  it('ticks rps times a second, numbering the ticks, until stopped', async () => {
    const ticks: number[] = []
    const stop = startLoad({ rps: 10, tick: async (i) => void ticks.push(i) })
    await vi.advanceTimersByTimeAsync(1000)
    expect(ticks).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    stop()
    await vi.advanceTimersByTimeAsync(1000)
    expect(ticks).toHaveLength(10)
  })

  it('skips ticks while maxInFlight requests are still running', async () => {
    const pending: (() => void)[] = []
    let started = 0
    const stop = startLoad({
      rps: 100,
      maxInFlight: 3,
      tick: () => {
        started += 1
        return new Promise<void>((resolve) => pending.push(resolve))
      },
    })
    await vi.advanceTimersByTimeAsync(200)
    expect(started).toBe(3)
    pending.shift()!()
    await vi.advanceTimersByTimeAsync(200)
    expect(started).toBe(4)
    stop()
  })

  it('a failing tick neither throws nor holds its slot', async () => {
    let started = 0
    const stop = startLoad({
      rps: 10,
      maxInFlight: 1,
      tick: async () => {
        started += 1
        throw new Error('request failed')
      },
    })
    await vi.advanceTimersByTimeAsync(500)
    expect(started).toBe(5)
    stop()
  })
})
