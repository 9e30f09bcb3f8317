import { describe, expect, it } from 'vitest'
import { shouldFill } from './fallback-read'

describe('shouldFill', () => {
  it('fills after a miss, never after a hit or a cache that did not answer', () => {
    expect(shouldFill('miss')).toBe(true)
    expect(shouldFill('hit')).toBe(false)
    expect(shouldFill('down')).toBe(false)
  })
})
