/**
 * Hostile values and the mutations that turn a valid message into a malformed one: what the fuzzer sends
 * in place of every field, over HTTP and the socket alike.
 */
import type { Rng } from './random'

/** Values of every wrong type and size, including the ones that break naive code. */
export function hostileValue(rng: Rng): unknown {
  switch (rng.int(0, 17)) {
    case 0:
      return null
    case 1:
      return rng.pick([true, false])
    case 2:
      return rng.pick([-1, 0, -0, 1.5, 1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, 1e-300])
    case 3:
      return rng.pick(['', ' ', '0', 'NaN', 'Infinity', 'true', 'null', '-1', '1e9'])
    case 4:
      return 'x'.repeat(rng.int(1_000, 40_000))
    case 5:
      return Array.from({ length: rng.int(1_000, 5_000) }, (_, i) => i)
    case 6:
      return {}
    case 7:
      return []
    case 8:
      return { __proto__x: 1, constructor: { prototype: { polluted: true } } }
    case 9:
      return JSON.parse('{"__proto__": {"polluted": true}}')
    case 10:
      return nested(rng.int(50, 2_000))
    case 11:
      return '<img src=x onerror=alert(1)>'
    case 12:
      return '\u0000\u202e\ud800'
    case 13:
      return rng.pick(['../../etc/passwd', '%00', '${7*7}', '{{7*7}}', "' OR 1=1 --", 'lab:other:user:1'])
    case 14:
      return [null, { a: [{}] }, 'x']
    case 15:
      return rng.int(-1_000_000, 1_000_000)
    case 16:
      return { toString: 'x', valueOf: 1, hasOwnProperty: 'y' }
    default:
      return 'é'.repeat(rng.int(1, 300))
  }
}

function nested(depth: number): unknown {
  let v: unknown = 1
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v }
  return v
}

/** A malformed variant of `base`: a field replaced, removed or added, or the whole message replaced. */
export function mutate(rng: Rng, base: Record<string, unknown>): unknown {
  const keys = Object.keys(base)
  const copy: Record<string, unknown> = { ...base }
  switch (rng.int(0, 7)) {
    case 0: // one field of a wrong type or size
    case 1:
      copy[rng.pick(keys)] = hostileValue(rng)
      return copy
    case 2: // a field missing
      delete copy[rng.pick(keys)]
      return copy
    case 3: // an extra field, sometimes a dangerous name
      copy[rng.pick(['extra', 'constructor', 'prototype', 'toString', '__defineGetter__', 'x'.repeat(500)])] = hostileValue(rng)
      return copy
    case 4: // a __proto__ key at some depth
      return JSON.parse(`{"room":${JSON.stringify(base.room ?? 'x')},"a":{"b":{"__proto__":{"isAdmin":true}}}}`)
    case 5: // not an object at all
      return hostileValue(rng)
    case 6: // every field hostile
      for (const k of keys) copy[k] = hostileValue(rng)
      return copy
    default: // numbers just out of range
      for (const k of keys) if (typeof copy[k] === 'number') copy[k] = rng.pick([-1, 0, 101, 1e6, 0.5, -0.0001, 2_000_001])
      return copy
  }
}

/** A hostile value as text, for a path segment (well-formed, so it can be percent-encoded). */
export function hostileText(rng: Rng, max = 200): string {
  const v = hostileValue(rng)
  return (typeof v === 'string' ? v : (JSON.stringify(v) ?? '')).slice(0, max).replace(LONE_SURROGATE, '\ufffd')
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g
