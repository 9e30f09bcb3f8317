/**
 * The liveness heartbeat against the real Redis: written at start, gone at stop (so rooms can be taken over
 * at once), and an instance told when its own heartbeat had lapsed (so it checks its rooms before acting).
 */
import { describe, expect, it } from 'vitest'
import { waitUntil } from '../test-support/env'
import { useRedis } from '../test-support/redis'
import { HEARTBEAT_TTL_MS, Liveness, heartbeatKey } from './liveness'

const clients = useRedis('redis')

describe('Liveness', () => {
  it('beats while running, tells the instance when its heartbeat lapsed, and is gone once stopped', async () => {
    const id = `t-live-${process.pid}-${Date.now()}`
    let lapses = 0
    const me = new Liveness(clients.redis, id, () => void lapses++)
    const other = new Liveness(clients.redis, `${id}-other`)
    await me.start()
    try {
      const ttl = await clients.redis.pttl(heartbeatKey(id))
      expect(ttl).toBeGreaterThan(0)
      expect(ttl).toBeLessThanOrEqual(HEARTBEAT_TTL_MS)
      expect(await other.isAlive(id)).toBe(true)
      expect(await other.isAlive(`${id}-never-started`)).toBe(false)

      // As if the event loop had stalled past the TTL: the key is gone when the next beat comes.
      await clients.redis.del(heartbeatKey(id))
      await waitUntil(() => lapses > 0, 'the lapse to be noticed', 10_000)
      expect(await other.isAlive(id)).toBe(true) // and it beats again
    } finally {
      await me.stop()
    }
    expect(await other.isAlive(id)).toBe(false)
  })
})
