import { describe, expect, it } from 'vitest'
import { keysVerdict } from './keys-invalidation'

const guard = { maxDbsize: 300_000, cooldownMs: 5000 }

describe('keysVerdict', () => {
  it('allows KEYS on a keyspace up to the limit when no KEYS ran recently', () => {
    expect(keysVerdict(300_000, 10_000, undefined, guard)).toEqual({ ok: true })
    expect(keysVerdict(10, 10_000, 4_000, guard)).toEqual({ ok: true })
  })

  it('refuses it above the limit, whatever the timing', () => {
    expect(keysVerdict(300_001, 10_000, undefined, guard)).toEqual({
      ok: false,
      reason:
        "KEYS refused: this Redis holds 300,001 keys, more than the lab's limit of 300,000; KEYS would block every client while it walks them all",
    })
  })

  it('refuses a second KEYS within the cooldown and says how long to wait', () => {
    expect(keysVerdict(10, 10_000, 8_000, guard)).toEqual({
      ok: false,
      reason: 'KEYS is limited to once every 5 s per room: try again in 3 s',
    })
    expect(keysVerdict(10, 10_000, 5_001, guard)).toMatchObject({ ok: false, reason: expect.stringMatching(/in 1 s$/) })
  })
})
