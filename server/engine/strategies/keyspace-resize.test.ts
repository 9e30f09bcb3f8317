import { describe, expect, it } from 'vitest'
import { resizePlan } from './keyspace-resize'

describe('resizePlan', () => {
  it('adds enough keys that the table doubles past ten times what stays, so deleting them makes it shrink', () => {
    const plan = resizePlan(150, 25_000)
    expect(plan).toEqual({ ok: true, add: 875, tableAfterGrow: 2048, tableAfterShrink: 256 })
    if (!plan.ok) return
    // The table doubles when the keys reach its size: with 150 + 875 = 1025 keys a 1024-slot table grows to 2048.
    expect(150 + plan.add).toBe(plan.tableAfterGrow / 2 + 1)
    // Afterwards 150 keys fill under a tenth of 2048 slots: Redis shrinks it.
    expect((150 * 100) / plan.tableAfterGrow).toBeLessThan(10)
  })

  it('treats an empty database as holding one key, and a power of two exactly', () => {
    expect(resizePlan(0, 1000)).toMatchObject({ ok: true, tableAfterGrow: 16, add: 8 })
    expect(resizePlan(1024, 100_000)).toMatchObject({ ok: true, tableAfterGrow: 16_384, add: 8192 - 1024 + 1 })
  })

  it('refuses, saying why, when the resize would need more temporary keys than allowed', () => {
    const plan = resizePlan(5000, 25_000)
    expect(plan.ok).toBe(false)
    if (plan.ok) return
    expect(plan.reason).toBe(
      'this Redis holds 5,000 keys: growing its table past ten times that would take 27,769 temporary keys, more than the 25,000 the lab allows',
    )
  })
})
