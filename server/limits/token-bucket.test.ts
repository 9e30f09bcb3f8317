import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { TokenBucket } from './token-bucket'

describe('TokenBucket', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(1_000_000)
  })
  afterEach(() => void vi.useRealTimers())

  it('allows a burst, then refills at the rate, never above the burst', () => {
    const bucket = new TokenBucket(2, 3)
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false])
    vi.advanceTimersByTime(500) // one token back
    expect([bucket.take(), bucket.take()]).toEqual([true, false])
    vi.advanceTimersByTime(60_000)
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false])
  })

  it('takes several tokens at once only when they are all there', () => {
    const bucket = new TokenBucket(1, 5)
    expect(bucket.take(4)).toBe(true)
    expect(bucket.take(2)).toBe(false)
    expect(bucket.take(1)).toBe(true)
  })
})
