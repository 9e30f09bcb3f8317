import { describe, expect, it } from 'vitest'
import { bulkPlan } from './bulk-keys'

describe('bulkPlan', () => {
  it('adds the keys asked for when the database stays under the ceiling', () => {
    expect(bulkPlan(1000, 100_000, 290_000)).toEqual({ ok: true, add: 100_000 })
    expect(bulkPlan(190_000, 100_000, 290_000)).toEqual({ ok: true, add: 100_000 })
  })

  it('refuses what would pass the ceiling', () => {
    expect(bulkPlan(190_001, 100_000, 290_000)).toEqual({
      ok: false,
      reason: "this Redis already holds 190,001 keys; 100,000 more would pass the lab's ceiling of 290,000",
    })
  })
})
