import { describe, expect, it } from 'vitest'
import { canFill, newLeaseToken } from './leases'

describe('canFill', () => {
  it('lets only the holder of the current token fill', () => {
    expect(canFill('a1b2', 'a1b2')).toBe(true)
    expect(canFill('c3d4', 'a1b2')).toBe(false)
  })

  it('refuses a fill once the lease was revoked or expired, and a fill without a token', () => {
    expect(canFill(null, 'a1b2')).toBe(false)
    expect(canFill('a1b2', undefined)).toBe(false)
    expect(canFill(null, undefined)).toBe(false)
  })
})

describe('newLeaseToken', () => {
  it('is eight hex digits from four random bytes', () => {
    expect(newLeaseToken(Buffer.from([0, 1, 0xab, 0xff]))).toBe('0001abff')
    expect(newLeaseToken()).toMatch(/^[0-9a-f]{8}$/)
  })

  it('differs from one miss to the next', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => newLeaseToken()))
    expect(tokens.size).toBe(200)
  })
})
