import { describe, expect, it } from 'vitest'
import { event } from '../test-support/factories'
import { RoomMetrics } from './metrics'
import { renderAggregate, renderPrometheus } from './prometheus'

function metricsWith(requests: number, latencies: number[]): RoomMetrics {
  const m = new RoomMetrics()
  for (let i = 0; i < requests; i++) m.observe(event('request', 'client', { action: 'read', by: 'you' }))
  for (const ms of latencies) m.observe(event('response', 'client', { ms, ok: true }))
  return m
}

describe('renderPrometheus', () => {
  const text = renderPrometheus([
    { id: 'roomaaaa', metrics: metricsWith(3, [1, 2, 3]) },
    { id: 'roombbbb', metrics: metricsWith(1, []) },
  ])
  const lines = text.trimEnd().split('\n')

  it('is valid text exposition: HELP and TYPE once per family, samples as name{labels} value', () => {
    expect(text.endsWith('\n')).toBe(true)
    for (const line of lines) {
      if (line.startsWith('#')) expect(line).toMatch(/^# (HELP|TYPE) [a-z_]+ .+$/)
      else expect(line).toMatch(/^[a-z_]+(\{[a-z]+="[^"]*"(,[a-z]+="[^"]*")*\})? -?\d+(\.\d+)?$/)
    }
    const types = lines.filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2])
    expect(new Set(types).size).toBe(types.length)
  })

  it("has each room's counters and latency summary", () => {
    expect(lines).toContain('cachelab_rooms 2')
    expect(lines).toContain('cachelab_requests_total{room="roomaaaa"} 3')
    expect(lines).toContain('cachelab_requests_total{room="roombbbb"} 1')
    expect(lines).toContain('cachelab_request_duration_ms{room="roomaaaa",quantile="0.5"} 2.000')
    expect(lines).toContain('cachelab_request_duration_ms_sum{room="roomaaaa"} 6.000')
    expect(lines).toContain('cachelab_request_duration_ms_count{room="roomaaaa"} 3')
    // No quantiles for a room without responses, but its sum and count are there.
    expect(lines.filter((l) => l.includes('roombbbb') && l.includes('quantile'))).toEqual([])
    expect(lines).toContain('cachelab_request_duration_ms_count{room="roombbbb"} 0')
  })

  it('renders an empty process', () => {
    expect(renderPrometheus([])).toContain('cachelab_rooms 0\n')
  })
})

describe('renderAggregate (GET /metrics without the operator token)', () => {
  const rooms = [
    { id: 'roomaaaa', metrics: metricsWith(3, [1, 2, 3]) },
    { id: 'roombbbb', metrics: metricsWith(1, [4]) },
  ]
  const text = renderAggregate(rooms)
  const lines = text.trimEnd().split('\n')

  it('sums every family over the rooms and names none of them', () => {
    expect(text).not.toMatch(/room=|roomaaaa|roombbbb/)
    expect(lines).toContain('cachelab_rooms 2')
    expect(lines).toContain('cachelab_requests_total 4')
    expect(lines).toContain('cachelab_request_duration_ms_sum 10.000')
    expect(lines).toContain('cachelab_request_duration_ms_count 4')
    const types = lines.filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2])
    expect(new Set(types).size).toBe(types.length)
  })
})
