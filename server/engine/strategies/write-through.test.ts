import { describe, expect, it } from 'vitest'
import type { UserRow } from '../room-db'
import { buildProfile, cacheStepAfterCommit } from './write-through'

const user: UserRow = { id: 1, name: 'Ada Lovelace', email: 'user1@example.com', popular: true, version: 7, updated_at: '2026-01-01T00:00:00Z' }

describe('buildProfile', () => {
  it("is the user's row with their posts' ids and titles, versioned by the row", () => {
    const posts = [
      { id: 1, title: 'Post 1', body: 'not cached' } as { id: number; title: string },
      { id: 101, title: 'Post 101' },
    ]
    expect(buildProfile(user, posts)).toEqual({ ...user, posts: [{ id: 1, title: 'Post 1' }, { id: 101, title: 'Post 101' }] })
    expect(buildProfile(user, []).version).toBe(7)
  })
})

describe('cacheStepAfterCommit', () => {
  it('stores the new value when it could be built, deletes the key when it could not', () => {
    expect(cacheStepAfterCommit(true)).toBe('set')
    expect(cacheStepAfterCommit(false)).toBe('del')
  })
})
