/**
 * A room's own Redis connections (its labs' app servers, subscribers, readers) are opened only by the labs
 * that need them, given back when the room leaves that lab or sits idle, and bounded per instance. Counted
 * the way Redis sees them: CLIENT LIST entries named `cachelab:<room>:…`.
 */
import type { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { releaseNow } from '../idle-labs'
import { useTestApp } from '../../test-support/app'
import { request } from '../../test-support/http'

async function roomClients(redis: Redis, room: string): Promise<number> {
  const list = (await redis.client('LIST')) as string
  return list.split('\n').filter((line) => line.includes(` name=cachelab:${room}:`)).length
}

/** Waits (up to 15 s) for the room's connections to reach `n`: closing is asynchronous. */
async function settlesAt(redis: Redis, room: string, n: number): Promise<number> {
  const deadline = Date.now() + 15_000
  let seen = await roomClients(redis, room)
  while (seen !== n && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100))
    seen = await roomClients(redis, room)
  }
  return seen
}

describe("a room's lab connections", () => {
  const t = useTestApp()
  const act = (room: string, body: Record<string, unknown>) => t.app.engine.act(room, body as { lab: string; action: string }, 'api')

  it('opens none for a lab that needs none', async () => {
    const room = await t.room()
    await act(room, { lab: 'ttl', action: 'read', userId: 1 })
    await act(room, { lab: 'stampede', action: 'reset' })
    expect(await roomClients(t.app.redis.command, room)).toBe(0)
    expect(t.app.engine.rooms.peek(room)!.room.connectionCount).toBe(0)
  })

  it('closes the event-driven servers when the room moves to another lab, and reopens them on return', async () => {
    const room = await t.room()
    await act(room, { lab: 'event-driven', action: 'read', server: 1, userId: 1 })
    expect(await roomClients(t.app.redis.command, room)).toBeGreaterThan(0)
    await act(room, { lab: 'ttl', action: 'read', userId: 1 })
    expect(await settlesAt(t.app.redis.command, room, 0)).toBe(0)
    expect(t.app.engine.rooms.peek(room)!.room.connectionCount).toBe(0)
    const back = (await act(room, { lab: 'event-driven', action: 'read', server: 2, userId: 1 })) as { ok: boolean }
    expect(back.ok).toBe(true)
    expect(await roomClients(t.app.redis.command, room)).toBeGreaterThan(0)
  })

  it('gives back the best-practices servers of a room left idle', async () => {
    const room = await t.room()
    await act(room, { lab: 'best-practices', action: 'read', server: 1, userId: 1 })
    expect(await roomClients(t.app.redis.command, room)).toBeGreaterThan(0)
    // Idle for "0 ms": the pass the timer makes every LAB_IDLE_SECONDS / 2.
    expect(releaseNow(t.app.engine.rooms, 0)).toContain(room)
    expect(await settlesAt(t.app.redis.command, room, 0)).toBe(0)
    const again = (await act(room, { lab: 'best-practices', action: 'read', server: 2, userId: 1 })) as { ok: boolean }
    expect(again.ok).toBe(true)
  })
})

describe('the instance budget of lab connections', () => {
  const t = useTestApp({ env: { ROOM_REDIS_CONNECTIONS_MAX: '2' } })

  it('refuses a lab that would pass it with 503 E_FULL and Retry-After, leaving nothing open', async () => {
    const room = await t.room()
    const res = await request(t.url, 'POST', `/api/rooms/${room}/actions`, { json: { lab: 'event-driven', action: 'read', server: 1, userId: 1 } })
    expect(res.status).toBe(503)
    expect(res.body.error.code).toBe('E_FULL')
    expect(res.body.error.message).toMatch(/limit is 2/)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await settlesAt(t.app.redis.command, room, 0)).toBe(0)
    // A lab without app servers still works in the same room.
    expect((await request(t.url, 'POST', `/api/rooms/${room}/actions`, { json: { lab: 'ttl', action: 'read', userId: 1 } })).status).toBe(200)
  })
})

describe('the idle pass as the app runs it', () => {
  const t = useTestApp({ env: { LAB_IDLE_SECONDS: '1' } })

  it('closes the connections of a room nobody used for LAB_IDLE_SECONDS, without being asked', async () => {
    const room = await t.room()
    await t.app.engine.act(room, { lab: 'event-driven', action: 'read', server: 1, userId: 1 }, 'api')
    expect(await roomClients(t.app.redis.command, room)).toBeGreaterThan(0)
    expect(await settlesAt(t.app.redis.command, room, 0)).toBe(0)
    expect(t.app.engine.rooms.peek(room)!.room.connectionCount).toBe(0)
  })
})
