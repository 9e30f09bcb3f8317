import { describe, expect, it } from 'vitest'
import { formatBytes, gaugeName, memoryGaugeVersion } from './key-versioning'

describe('key-versioning gauges', () => {
  it("name each generation's figures, and read the version back from a memory gauge", () => {
    expect(gaugeName.memory(3)).toBe('v3 memory')
    expect(gaugeName.keys(3)).toBe('v3 keys')
    expect(memoryGaugeVersion(gaugeName.memory(12))).toBe(12)
    expect([gaugeName.keys(1), gaugeName.usedMemory, 'v memory', 'v1 memory!'].map(memoryGaugeVersion)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ])
  })

  it('formats bytes in B, KB and MB', () => {
    expect(formatBytes(812)).toBe('812 B')
    expect(formatBytes(73_011)).toBe('71.3 KB')
    expect(formatBytes(7_967_824)).toBe('7.6 MB')
  })
})
