import { describe, expect, it } from 'vitest'
import { RACE_STRATEGY_IDS } from '../../../lib/labs/races-model'
import { raceScript } from './races-script'

const timing = { delayMs: 500, fillLagMs: 250, ttlMs: 30_000 }
const order = (strategy: Parameters<typeof raceScript>[0], t = timing) =>
  raceScript(strategy, 'user:1', t).map((s) => `${s.actor}:${s.op}`)

describe('raceScript', () => {
  it('runs the same race for every strategy: A misses and reads, B writes and invalidates, A fills, C reads', () => {
    for (const strategy of ['naive', 'versioned', 'lease'] as const) {
      expect(order(strategy), strategy).toEqual([
        'A:lookup',
        'A:select',
        'B:update',
        'B:invalidate',
        'A:fill',
        'C:read',
      ])
    }
  })

  it('names each strategy’s own operations', () => {
    const text = (strategy: Parameters<typeof raceScript>[0]) =>
      raceScript(strategy, 'user:1', timing).map((s) => s.text)
    expect(text('naive')).toEqual([
      'GET user:1',
      'SELECT the row from the database',
      'UPDATE the row (version + 1)',
      'DEL user:1',
      "SET user:1 <A's row> PX 30000",
      'Read user:1 through the cache',
    ])
    expect(text('versioned')[3]).toMatch(/^EVAL tombstone-delete/)
    expect(text('versioned')[4]).toMatch(/^EVAL versioned-fill/)
    expect(text('lease')[0]).toBe('EVAL lease-get: GET user:1; on a miss SET lease:user:1 <token> NX')
    expect(text('lease')[3]).toMatch(/^EVAL lease-invalidate/)
    expect(text('lease')[4]).toMatch(/^EVAL lease-fill/)
  })

  it('double delete: the second delete after A’s fill when the delay outlasts it', () => {
    const steps = raceScript('double-delete', 'user:1', timing)
    expect(steps.map((s) => `${s.actor}:${s.op}`)).toEqual([
      'A:lookup',
      'A:select',
      'B:update',
      'B:invalidate',
      'A:fill',
      'B:delete-again',
      'C:read',
    ])
    expect(steps.map((s) => s.atMs)).toEqual([undefined, undefined, undefined, 0, 250, 500, undefined])
    expect(steps[5]!.text).toBe('DEL user:1 again, 500 ms after the first')
  })

  it('double delete: the second delete before A’s fill when the delay is too short (or equal)', () => {
    for (const delayMs of [100, 250]) {
      expect(order('double-delete', { ...timing, delayMs }), `delay ${delayMs}`).toEqual([
        'A:lookup',
        'A:select',
        'B:update',
        'B:invalidate',
        'B:delete-again',
        'A:fill',
        'C:read',
      ])
    }
  })

  it('has a script for every strategy, ending with C’s read', () => {
    for (const strategy of RACE_STRATEGY_IDS) expect(order(strategy).at(-1), strategy).toBe('C:read')
  })
})
