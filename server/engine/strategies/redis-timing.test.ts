import { describe, expect, it } from 'vitest'
import { useRedis } from '../../test-support/redis'
import { commandTally, parseCommandStat } from './redis-timing'

describe('parseCommandStat', () => {
  const info = [
    '# Commandstats',
    'cmdstat_scan:calls=120,usec=9000,usec_per_call=75.00,rejected_calls=0,failed_calls=0',
    'cmdstat_keys:calls=3,usec=91234,usec_per_call=30411.33,rejected_calls=0,failed_calls=0',
    'cmdstat_keys_other:calls=9,usec=1,usec_per_call=0.11,rejected_calls=0,failed_calls=0',
  ].join('\r\n')

  it("reads one command's calls and total µs, not a command whose name it begins", () => {
    expect(parseCommandStat(info, 'KEYS')).toEqual({ calls: 3, usec: 91_234 })
    expect(parseCommandStat(info, 'scan')).toEqual({ calls: 120, usec: 9000 })
  })

  it('answers zeros for a command that never ran', () => {
    expect(parseCommandStat(info, 'sscan')).toEqual({ calls: 0, usec: 0 })
  })
})

describe('commandTally', () => {
  const clients = useRedis('redis')

  it("counts a call on the real server (other clients may add theirs, never take ours away)", async () => {
    const before = await commandTally(clients.redis, 'echo')
    await clients.redis.echo('timed')
    const after = await commandTally(clients.redis, 'echo')
    expect(after.calls).toBeGreaterThanOrEqual(before.calls + 1)
    expect(after.usec).toBeGreaterThanOrEqual(before.usec)
  })
})
