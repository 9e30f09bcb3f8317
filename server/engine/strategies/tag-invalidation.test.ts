import { describe, expect, it } from 'vitest'
import { settleTagged } from './tag-invalidation'

describe('settleTagged', () => {
  it("records a delete for each key that existed, and the tag set's own delete when the script emptied it", () => {
    expect(settleTagged('user:1:keys', ['user:1:a', 'user:1:b'], [0, 1, 1])).toEqual({
      deleted: ['user:1:a', 'user:1:b', 'user:1:keys'],
      missed: [],
    })
  })

  it('withdraws the notifications that could not come: keys already gone, and the tag set that still has members', () => {
    expect(settleTagged('user:1:keys', ['user:1:a', 'user:1:b'], [1, 0, 1])).toEqual({
      deleted: ['user:1:b'],
      missed: [
        ['user:1:a', 'del'],
        ['user:1:keys', 'del'],
      ],
    })
  })
})
