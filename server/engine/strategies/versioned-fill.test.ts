import { describe, expect, it } from 'vitest'
import { fillVerdict, refusalText, tombstoneVersion } from './versioned-fill'

describe('fillVerdict', () => {
  it('stores into an empty cache with no tombstone', () => {
    expect(fillVerdict(1, null, null)).toEqual({ store: true })
  })

  it('refuses a row older than the tombstone a delete left: the stale write-back', () => {
    expect(fillVerdict(1, null, 2)).toEqual({ store: false, reason: 'tombstone', against: 2 })
  })

  it('stores the version the tombstone carries, and newer ones', () => {
    expect(fillVerdict(2, null, 2)).toEqual({ store: true })
    expect(fillVerdict(3, null, 2)).toEqual({ store: true })
  })

  it('never goes backwards, nor stores the same version twice', () => {
    expect(fillVerdict(2, 3, null)).toEqual({ store: false, reason: 'cached', against: 3 })
    expect(fillVerdict(3, 3, null)).toEqual({ store: false, reason: 'cached', against: 3 })
    expect(fillVerdict(4, 3, null)).toEqual({ store: true })
  })

  it('checks the tombstone before the cached value', () => {
    expect(fillVerdict(1, 5, 2)).toEqual({ store: false, reason: 'tombstone', against: 2 })
    expect(fillVerdict(3, 5, 2)).toEqual({ store: false, reason: 'cached', against: 5 })
  })
})

describe('tombstoneVersion', () => {
  it('carries the version written, and never goes down when an older write deletes late', () => {
    expect(tombstoneVersion(null, 2)).toBe(2)
    expect(tombstoneVersion(2, 3)).toBe(3)
    expect(tombstoneVersion(3, 2)).toBe(3)
  })
})

describe('refusalText', () => {
  it('says why in a few words', () => {
    expect(refusalText({ store: false, reason: 'tombstone', against: 2 })).toBe('older than the delete of v2')
    expect(refusalText({ store: false, reason: 'cached', against: 4 })).toBe('cache already holds v4')
  })
})
