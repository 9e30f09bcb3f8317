import { describe, expect, it } from 'vitest'
import { valueBytes, writePlan } from './write-path'

describe('writePlan', () => {
  it('runs the database step first in the right order, the cache step first in the wrong one', () => {
    expect(writePlan('db-first')).toEqual(['db', 'cache'])
    expect(writePlan('cache-first')).toEqual(['cache', 'db'])
  })
})

describe('valueBytes', () => {
  it('counts the UTF-8 bytes of the JSON the cache stores', () => {
    expect(valueBytes({ version: 1 })).toBe('{"version":1}'.length)
    // "é" is two bytes in UTF-8, one UTF-16 unit in a JS string.
    expect(valueBytes({ name: 'é' })).toBe('{"name":"é"}'.length + 1)
  })
})
