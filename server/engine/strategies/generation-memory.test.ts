import { describe, expect, it } from 'vitest'
import { gaugesToRecord, parseUsedMemory, summarize } from './generation-memory'

describe('summarize', () => {
  it('counts the keys that exist, sums their bytes, and tells keys without a TTL from keys with one', () => {
    const figures = summarize(2, [
      { bytes: 700, pttl: 4000 },
      { bytes: 720, pttl: -1 },
      { bytes: null, pttl: -2 },
      { bytes: 680, pttl: 9000 },
    ])
    expect(figures).toEqual({ version: 2, keys: 3, bytes: 2100, noTtl: 1, maxTtlMs: 9000 })
  })

  it('is all zeros for a generation that is gone', () => {
    expect(summarize(1, [{ bytes: null, pttl: -2 }])).toEqual({
      version: 1,
      keys: 0,
      bytes: 0,
      noTtl: 0,
      maxTtlMs: null,
    })
    expect(summarize(1, [])).toEqual({ version: 1, keys: 0, bytes: 0, noTtl: 0, maxTtlMs: null })
  })
})

describe('parseUsedMemory', () => {
  it('reads used_memory from INFO memory, not used_memory_rss or the human form', () => {
    const info = '# Memory\r\nused_memory:7967824\r\nused_memory_human:7.60M\r\nused_memory_rss:16465920\r\n'
    expect(parseUsedMemory(info)).toBe(7_967_824)
    expect(parseUsedMemory('# Memory\r\nused_memory_rss:1\r\n')).toBeNull()
  })
})

describe('gaugesToRecord', () => {
  const last = new Map([
    ['v1 memory', { value: 7000, at: 0 }],
    ['used_memory', { value: 1_000_000, at: 0 }],
  ])

  it("records a generation's figure when it changed, and a new one the first time", () => {
    const out = gaugesToRecord(
      last,
      [
        { name: 'v1 memory', value: 7000 },
        { name: 'v2 memory', value: 300 },
      ],
      1000,
    )
    expect(out).toEqual([{ name: 'v2 memory', value: 300 }])
    expect(gaugesToRecord(last, [{ name: 'v1 memory', value: 0 }], 1000)).toEqual([{ name: 'v1 memory', value: 0 }])
  })

  it('records used_memory, which moves with everything on the server, after a 1% move or every 10 s', () => {
    const noisy = (value: number, now: number) =>
      gaugesToRecord(last, [{ name: 'used_memory', value, noisy: true }], now)
    expect(noisy(1_005_000, 1000)).toEqual([])
    expect(noisy(1_010_000, 1000)).toHaveLength(1)
    expect(noisy(990_000, 1000)).toHaveLength(1)
    expect(noisy(1_000_100, 10_000)).toHaveLength(1)
  })

  it('records everything when asked to', () => {
    expect(gaugesToRecord(last, [{ name: 'v1 memory', value: 7000 }], 1, true)).toEqual([
      { name: 'v1 memory', value: 7000 },
    ])
  })
})
