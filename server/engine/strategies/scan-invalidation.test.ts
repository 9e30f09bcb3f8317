import { describe, expect, it } from 'vitest'
import { absorb, isFinalCursor, median, newIteration, userPattern } from './scan-invalidation'

/** Redis's glob for the simple patterns used here: `*` is any run of characters. */
const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  )

describe('userPattern', () => {
  it("matches every key of the user and none of another user's, even one whose id starts the same", () => {
    const p = glob(userPattern(1))
    expect(['user:1:profile', 'user:1:feed:12', 'user:1:keys'].every((k) => p.test(k))).toBe(true)
    expect(['user:10:profile', 'user:1', 'user:12:keys', 'v1:user:1:profile'].some((k) => p.test(k))).toBe(false)
  })
})

describe('absorb', () => {
  it('adds new keys to the Set and counts the ones it already held', () => {
    const seen = new Set<string>()
    expect(absorb(seen, ['a', 'b'])).toEqual({ fresh: ['a', 'b'], duplicates: 0 })
    expect(absorb(seen, ['b', 'c', 'a'])).toEqual({ fresh: ['c'], duplicates: 2 })
    expect(absorb(seen, [])).toEqual({ fresh: [], duplicates: 0 })
    expect([...seen]).toEqual(['a', 'b', 'c'])
  })
})

describe('isFinalCursor', () => {
  it('is true only for cursor 0, the one SCAN returns when the iteration is complete', () => {
    expect(isFinalCursor('0')).toBe(true)
    expect(['1536', '00', ''].map(isFinalCursor)).toEqual([false, false, false])
  })
})

describe('newIteration', () => {
  it('starts at cursor 0 over user:<id>:*, walking the tag set in sscan mode only', () => {
    expect(newIteration(7, 'delete')).toMatchObject({
      userId: 7,
      match: 'user:7:*',
      cursor: '0',
      done: false,
      calls: 0,
      set: undefined,
    })
    expect(newIteration(7, 'sscan')).toMatchObject({ match: 'user:7:*', set: 'user:7:keys' })
  })
})

describe('median', () => {
  it('is the middle value, the mean of the two middle ones for an even count, null for none', () => {
    expect(median([5, 1, 3])).toBe(3)
    expect(median([0.2, 0.4, 30, 0.3])).toBe(0.35)
    expect(median([])).toBeNull()
  })
})
