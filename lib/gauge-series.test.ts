import { describe, expect, it } from 'vitest'
import { event } from '../server/test-support/factories'
import { gaugeSeries } from './gauge-series'

const gauge = (name: string, value: number, time: number) =>
  event('gauge', 'cache', { name, value, unit: 'bytes' }, undefined, { time })
const memory = (name: string) => (/^v\d+ memory$/.test(name) ? name.split(' ')[0] : undefined)

describe('gaugeSeries', () => {
  it('makes a step per change, carrying the other series, and ends at now', () => {
    const events = [
      gauge('v1 memory', 7000, 10_000),
      gauge('used_memory', 9e6, 10_000),
      gauge('v1 keys', 10, 10_000),
      gauge('v2 memory', 700, 12_000),
      gauge('v1 memory', 0, 15_000),
      gauge('v2 memory', 1400, 15_000),
    ]
    const { rows, keys } = gaugeSeries(events, memory, { now: 20_000, scale: (b) => b / 1000 })
    expect(keys).toEqual(['v1', 'v2'])
    expect(rows).toEqual([
      { s: 0, v1: 7 },
      { s: 2, v1: 7, v2: 0.7 },
      { s: 5, v1: 0, v2: 1.4 },
      { s: 10, v1: 0, v2: 1.4 },
    ])
  })

  it('is empty without gauges, and keeps the last row when it has too many', () => {
    expect(gaugeSeries([event('marker', 'app', { text: 'x' })], memory)).toEqual({ rows: [], keys: [] })
    const many = Array.from({ length: 50 }, (_, i) => gauge('v1 memory', i, 1000 * i))
    const { rows } = gaugeSeries(many, memory, { maxRows: 10 })
    expect(rows.length).toBeLessThanOrEqual(11)
    expect(rows.at(-1)).toEqual({ s: 49, v1: 49 })
  })
})
