import { describe, expect, it } from 'vitest'
import { savedBy } from './layered'

describe('savedBy', () => {
  it('credits the first two layers when nothing was ever stale', () => {
    expect(savedBy([{ kind: 'fresh' }, { kind: 'l1-expired' }, { kind: 'fresh' }])).toBe('write-through and event')
  })

  it('credits the L1 TTL when only L1 copies expired before reads turned fresh', () => {
    expect(savedBy([{ kind: 'fresh' }, { kind: 'stale' }, { kind: 'l1-expired' }, { kind: 'fresh' }])).toBe('L1 TTL')
  })

  it('credits the Redis TTL when the shared copy expired on the way, even if L1 copies expired after it', () => {
    expect(
      savedBy([
        { kind: 'stale' },
        { kind: 'redis-expired' },
        { kind: 'stale' },
        { kind: 'l1-expired' },
        { kind: 'fresh' },
      ]),
    ).toBe('Redis TTL')
  })

  it('says nothing saved it when the reads stayed stale, or turned fresh with no expiry', () => {
    expect(savedBy([{ kind: 'fresh' }, { kind: 'stale' }, { kind: 'stale' }])).toBe('nothing')
    expect(savedBy([{ kind: 'stale' }, { kind: 'fresh' }])).toBe('nothing')
  })
})
