import { describe, expect, it } from 'vitest'
import { mergeFlags, OBSERVER_FLAGS } from './keyspace'

/**
 * The event classes a notify-keyspace-events string switches on, with A expanded. Per the Redis docs, A is an
 * alias for "g$lshztxed" (F6 in /tmp/test-findings.md: keyspace.ts used to say g$lshzxet; fixed in 81dd880).
 */
function classes(flags: string): Set<string> {
  const out = new Set(flags.replace('A', 'g$lshztxed').split(''))
  return out
}

describe('mergeFlags', () => {
  it('switches on all the observer needs on a server that had none', () => {
    expect(mergeFlags('', OBSERVER_FLAGS)).toBe(OBSERVER_FLAGS)
  })

  it('keeps the flags already set, in place, and appends only the missing ones', () => {
    expect(mergeFlags('Kx', 'Eg$x')).toBe('KxEg$')
    expect(mergeFlags('KEA', 'Eg')).toBe('KEA')
    expect(mergeFlags('Km', OBSERVER_FLAGS).startsWith('Km')).toBe(true)
  })

  it('covers every wanted class and drops none of the current ones', () => {
    for (const current of ['', 'K', 'Ex', 'AKE', 'KEA', 'g$lshzxeE', 'Kmn', 'AK', 't']) {
      const merged = classes(mergeFlags(current, OBSERVER_FLAGS))
      for (const flag of classes(OBSERVER_FLAGS)) expect(merged.has(flag), `${current} + ${flag}`).toBe(true)
      for (const flag of classes(current)) expect(merged.has(flag), `${current} keeps ${flag}`).toBe(true)
    }
  })

  it('is idempotent, and a no-op when the server already has the flags', () => {
    for (const current of ['', 'K', 'Ex', 'Kmn', 't']) {
      const once = mergeFlags(current, OBSERVER_FLAGS)
      expect(mergeFlags(once, OBSERVER_FLAGS)).toBe(once)
    }
    expect(mergeFlags('g$lshzxeK', OBSERVER_FLAGS)).toBe('g$lshzxeK')
    // A covers e and d as well: a server set to AKE needs nothing added (and no CONFIG SET on every start).
    expect(mergeFlags('AKE', OBSERVER_FLAGS)).toBe('AKE')
    expect(mergeFlags('AK', OBSERVER_FLAGS)).toBe('AK')
  })

  it("does not ask for streams (t): the recorder's own XADDs would flood the observer", () => {
    expect(classes(OBSERVER_FLAGS).has('t')).toBe(false)
    expect(classes(OBSERVER_FLAGS).has('K')).toBe(true)
    expect(classes(OBSERVER_FLAGS).has('x')).toBe(true)
  })
})
