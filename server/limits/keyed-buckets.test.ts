import { describe, expect, it } from 'vitest'
import { KeyedBuckets, perMinute } from './keyed-buckets'

describe('KeyedBuckets', () => {
  it('a key is empty after its burst is spent; other keys are untouched', () => {
    const buckets = new KeyedBuckets(perMinute(1, 3))
    expect(buckets.empty('a')).toBe(false)
    for (let i = 0; i < 3; i++) buckets.spend('a')
    expect(buckets.empty('a')).toBe(true)
    expect(buckets.empty('b')).toBe(false)
  })

  it('remembers at most maxKeys keys, forgetting the oldest first', () => {
    const buckets = new KeyedBuckets(perMinute(1, 1), 2)
    buckets.spend('a')
    buckets.spend('b')
    expect([buckets.empty('a'), buckets.empty('b')]).toEqual([true, true])
    buckets.spend('c') // 'a' is forgotten: it starts again with a full bucket
    expect([buckets.empty('a'), buckets.empty('b'), buckets.empty('c')]).toEqual([false, true, true])
  })
})
