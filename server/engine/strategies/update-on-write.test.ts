import { describe, expect, it } from 'vitest'
import type { UserRow } from '../room-db'
import { expectedRow } from './update-on-write'

const row: UserRow = { id: 3, name: 'Alan Turing', email: 'user3@example.com', popular: true, version: 4, updated_at: '2026-01-01T00:00:00Z' }

describe('expectedRow', () => {
  it('is the row with the new name and the next version, what a cache-first update stores before the write', () => {
    expect(expectedRow(row, 'Alan M. Turing')).toEqual({ ...row, name: 'Alan M. Turing', version: 5 })
  })

  it('leaves the row it was given alone', () => {
    expectedRow(row, 'x')
    expect(row).toMatchObject({ name: 'Alan Turing', version: 4 })
  })
})
