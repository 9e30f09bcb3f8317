import { describe, expect, it } from 'vitest'
import { versionOf } from './cache-observer'

describe('versionOf', () => {
  it('reads the row version a cached JSON value carries', () => {
    expect(versionOf('{"id":1,"version":3}')).toBe(3)
    expect(versionOf('{"version":0}')).toBe(0)
  })

  it('is undefined for values without a usable version', () => {
    for (const v of [
      'hello',
      '',
      '42',
      '[{"version":1}]',
      '{"version":"3"}',
      '{"version":1.5}',
      '{"version":-1}',
      '{"id":1}',
      '{not json',
      '{"version":null}',
    ]) {
      expect(versionOf(v), v).toBeUndefined()
    }
  })
})
