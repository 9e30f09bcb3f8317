/**
 * A room's own path to Redis: its connections go through a proxy the lab can cut or freeze, so Redis
 * really fails for that room alone while everyone else keeps using it.
 */
import { describe, expect, it } from 'vitest'
import { useTestApp } from '../../test-support/app'
import { waitUntil } from '../../test-support/env'
import { useRedis } from '../../test-support/redis'

describe('room Redis proxy', () => {
  const t = useTestApp({ database: 'pglite' })
  const redis = useRedis('check')

  it('refused: the room\'s connections fail at once, the shared Redis is untouched, and they recover', async () => {
    const id = await t.room()
    const { room } = await t.app.engine.room(id)
    const client = room.connect('probe', 'command')
    await client.set(room.keys.full('probe'), '1')
    expect(await client.get(room.keys.full('probe'))).toBe('1')

    room.setRedisMode('refused')
    // Cut: the command is refused (connection gone) rather than answered.
    const errors: string[] = []
    client.on('error', (e: Error) => errors.push(e.message))
    const err = await client.get(room.keys.full('probe')).then(() => undefined, (e: Error) => e)
    expect(err?.message).toMatch(/Stream isn't writeable|Connection is closed|max retries per request/)
    expect(errors.some((m) => /Socket timeout/.test(m))).toBe(false)
    // Everyone else still reaches Redis.
    expect(await redis.check.get(room.keys.full('probe'))).toBe('1')

    room.setRedisMode('up')
    await waitUntil(async () => (await client.get(room.keys.full('probe')).catch(() => null)) === '1', 'the room connection to recover')
  })

  it('frozen: a command gets no answer and fails by the socket timeout', async () => {
    const id = await t.room()
    const { room } = await t.app.engine.room(id)
    const client = room.connect('frozen', 'command')
    await client.ping()
    room.setRedisMode('frozen')
    // Nothing comes back: the client's socket timeout fires, drops the connection and fails the command.
    const errors: string[] = []
    client.on('error', (e: Error) => errors.push(e.message))
    await expect(client.get(room.keys.full('x'))).rejects.toThrow(/max retries per request/)
    expect(errors.some((m) => /Socket timeout/.test(m))).toBe(true)
    room.setRedisMode('up')
    await waitUntil(async () => (await client.ping().catch(() => null)) === 'PONG', 'the room connection to recover')
  })
})
