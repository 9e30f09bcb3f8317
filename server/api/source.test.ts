import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../test-support/env'
import { functionRanges } from './source'

const SAMPLE = [
  "import { x } from './x'", // 1
  '', // 2
  '/**', // 3
  ' * Reads it.', // 4
  ' */', // 5
  'export async function readIt(a: number): Promise<number> {', // 6
  '  if (a) {', // 7
  '    return 1', // 8
  '  }', // 9
  '  return 2', // 10
  '}', // 11
  '', // 12
  'function helper() {', // 13
  '  return 3', // 14
  '}', // 15
  '', // 16
  '/** One line of doc. */', // 17
  'export function writeIt<T>(v: T): T {', // 18
  '  return v', // 19
  '}', // 20
  'export function bare() {', // 21
  '  return helper()', // 22
  '}', // 23
  'export const notAFunction = () => 1', // 24
].join('\n')

describe('functionRanges', () => {
  it('gives each top-level exported function its 1-based lines, doc comment included', () => {
    expect(functionRanges(SAMPLE)).toEqual([
      { name: 'readIt', start: 3, end: 11 },
      { name: 'writeIt', start: 17, end: 20 },
      { name: 'bare', start: 21, end: 23 },
    ])
  })

  it('brackets one-liners on their own line, skips overload signatures, and reads CRLF files', () => {
    const code = [
      'export function one() { return 1 }', // 1
      'export function over(a: string): string;', // 2
      'export function over(a: number): number;', // 3
      'export function over(a: unknown): unknown {', // 4
      '  return a', // 5
      '}', // 6
      'export function two() {', // 7
      '  return 2', // 8
      '}', // 9
    ]
    const expected = [
      { name: 'one', start: 1, end: 1 },
      { name: 'over', start: 4, end: 6 },
      { name: 'two', start: 7, end: 9 },
    ]
    expect(functionRanges(code.join('\n'))).toEqual(expected)
    expect(functionRanges(code.join('\r\n'))).toEqual(expected)
  })

  // FINDING F7 (/tmp/test-findings.md): braces are counted from the signature's first line, so a multi-line
  // signature with an inline object type or a destructured parameter (as prettier formats long ones) "closes"
  // on that parameter's line and the range ends inside the signature.
  it('brackets a function whose multi-line signature has braces in its parameters', () => {
    const code = [
      'export async function withOptions(', // 1
      '  key: string,', // 2
      '  opts: { ttlMs?: number; label?: string } = {},', // 3
      '  { retries }: { retries: number },', // 4
      '): Promise<string> {', // 5
      '  return key', // 6
      '}', // 7
    ].join('\n')
    expect(functionRanges(code)).toEqual([{ name: 'withOptions', start: 1, end: 7 }])
  })

  it('finds nothing in code without exported functions', () => {
    expect(functionRanges('')).toEqual([])
    expect(functionRanges('function a() {\n}\nexport const b = 1\n')).toEqual([])
  })

  it('brackets the real strategy functions: each range starts at its doc or signature and ends at its closing brace', () => {
    const file = 'server/engine/strategies/cache-aside-ttl.ts'
    const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n')
    const ranges = functionRanges(lines.join('\n'))
    expect(ranges.map((r) => r.name)).toEqual(
      expect.arrayContaining(['readUser', 'updateUser', 'expireNow', 'ttlMs', 'ttlSecondsFor']),
    )
    for (const r of ranges) {
      const body = lines.slice(r.start - 1, r.end)
      expect(
        body.some((l) => new RegExp(`^export (async )?function ${r.name}\\b`).test(l)),
        r.name,
      ).toBe(true)
      expect(body.at(-1), r.name).toBe('}')
      expect(
        body.filter((l) => /^export /.test(l)),
        r.name,
      ).toHaveLength(1)
    }
  })
})
