import { describe, expect, it } from 'vitest'
import { entityKey, entityOf } from '../../../lib/keys'
import { MAX_VERSION } from '../../../lib/labs/key-versioning'
import { nextVersion, versionedUserKey } from './versioned-keys'

describe('versioned keys', () => {
  it('name a user in a generation, and still map to the users row for the oracle', () => {
    expect(versionedUserKey(2, 1001)).toBe('v2:user:1001')
    expect(entityOf(versionedUserKey(3, 7))).toEqual({ table: 'users', id: '7' })
    expect(entityKey(versionedUserKey(3, 7))).toBe('user:7')
  })

  it('bump to the next version, up to the last one', () => {
    expect(nextVersion(1)).toBe(2)
    expect(nextVersion(MAX_VERSION - 1)).toBe(MAX_VERSION)
    expect(() => nextVersion(MAX_VERSION)).toThrow(/last version/)
  })
})
