import { describe, expect, it } from 'vitest'
import { findProtoKey } from './json-guard'

/** `{"a":{"a":…{"__proto__":{}}…}}` nested `depth` levels deep, parsed as a request body would be. */
function nested(depth: number): unknown {
  return JSON.parse(`${'{"a":'.repeat(depth)}{"__proto__":{"x":1}}${'}'.repeat(depth)}`)
}

describe('findProtoKey', () => {
  it('finds a __proto__ key at the top, in arrays and in objects, with its path', () => {
    expect(findProtoKey(JSON.parse('{"__proto__":{}}'))).toBe('__proto__')
    expect(findProtoKey(JSON.parse('{"a":[1,{"b":{"__proto__":1}}]}'))).toBe('a.1.b.__proto__')
    expect(findProtoKey({ a: [1, { b: 'x' }], c: null })).toBeUndefined()
    expect(findProtoKey('__proto__')).toBeUndefined()
  })

  it('finds it below any depth (past the old limit of 32, and far deeper)', () => {
    expect(findProtoKey(nested(33))).toBe(`${Array(10).fill('a').join('.')}.…14 more….${Array(9).fill('a').join('.')}.__proto__`)
    expect(findProtoKey(nested(100))).toMatch(/__proto__$/)
    // As deep as a 1 MB body can nest: no stack overflow, and still found.
    expect(findProtoKey(nested(200_000))).toMatch(/^a\.a.*…199981 more….*\.__proto__$/)
  })
})
