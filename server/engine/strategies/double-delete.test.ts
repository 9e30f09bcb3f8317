import { describe, expect, it } from 'vitest'
import { secondDeleteAt, secondDeleteCatches } from './double-delete'

describe('secondDeleteCatches', () => {
  it('catches a stale fill that lands before the second delete', () => {
    expect(secondDeleteCatches(500, 250)).toBe(true)
    expect(secondDeleteCatches(1, 0)).toBe(true)
  })

  it('misses a fill slower than the delay, and one landing at the same instant', () => {
    expect(secondDeleteCatches(100, 250)).toBe(false)
    expect(secondDeleteCatches(250, 250)).toBe(false)
    expect(secondDeleteCatches(0, 0)).toBe(false)
  })
})

describe('secondDeleteAt', () => {
  it('is the delay after the first delete', () => {
    expect(secondDeleteAt(10_000, 500)).toBe(10_500)
    expect(secondDeleteAt(10_000, 0)).toBe(10_000)
  })
})
