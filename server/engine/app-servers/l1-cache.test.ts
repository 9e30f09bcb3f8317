import { describe, expect, it } from 'vitest'
import { L1Cache } from './l1-cache'

describe('L1Cache', () => {
  it('serves an entry until its TTL runs out, then reports it expired once', () => {
    const l1 = new L1Cache<string>(10, 1000)
    l1.set('user:1', 'a', 1, 0)
    expect(l1.get('user:1', 999)).toEqual({ hit: true, entry: { value: 'a', version: 1, expiresAt: 1000 } })
    expect(l1.get('user:1', 1000)).toEqual({ hit: false, expired: true })
    expect(l1.get('user:1', 1001)).toEqual({ hit: false, expired: false })
  })

  it('evicts the least recently used entries beyond its bound', () => {
    const l1 = new L1Cache<number>(2, 10_000)
    l1.set('a', 1, 1, 0)
    l1.set('b', 2, 1, 0)
    l1.get('a', 1) // a is now the most recently used
    expect(l1.set('c', 3, 1, 2)).toEqual(['b'])
    expect(l1.get('b', 3).hit).toBe(false)
    expect(l1.get('a', 3).hit).toBe(true)
    expect(l1.size).toBe(2)
  })

  it('drops, clears and lists live entries with their time left', () => {
    const l1 = new L1Cache<number>(5, 100)
    l1.set('a', 1, 3, 0)
    l1.set('b', 2, 4, 50)
    expect(l1.snapshot(60)).toEqual([
      { key: 'a', version: 3, ttlMs: 40 },
      { key: 'b', version: 4, ttlMs: 90 },
    ])
    expect(l1.drop('a')).toBe(true)
    expect(l1.drop('a')).toBe(false)
    expect(l1.clear()).toBe(1)
  })
})
