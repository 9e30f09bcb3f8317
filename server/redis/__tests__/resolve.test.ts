/**
 * Finding Redis: REDIS_URL first, then a local server, then a private redis-server child (the binary is
 * installed here, as .ci/run makes sure), else a message that says how to get one.
 */
import { describe, expect, it } from 'vitest'
import { freePort, ping, RedisNotFound, resolveRedis } from '../resolve'

describe('resolveRedis', () => {
  it('uses REDIS_URL as given, without probing', async () => {
    const r = await resolveRedis('redis://example.invalid:6390')
    expect(r).toMatchObject({ url: 'redis://example.invalid:6390', source: 'env' })
  })

  it('uses the local Redis when it answers', async () => {
    const r = await resolveRedis(undefined)
    expect(r).toMatchObject({ url: 'redis://127.0.0.1:6379', source: 'local' })
  })

  it('starts a private redis-server when nothing answers, and stops it with stop()', async () => {
    const nobody = await freePort()
    const r = await resolveRedis(undefined, { localPort: nobody })
    expect(r.source).toBe('spawned')
    const port = Number(new URL(r.url).port)
    expect(port).not.toBe(nobody)
    expect(await ping('127.0.0.1', port, 1000)).toBe('pong')
    await r.stop()
    expect(await ping('127.0.0.1', port, 300)).toBe('none')
  })

  it('says how to get Redis when there is none to use or start', async () => {
    const nobody = await freePort()
    const attempt = resolveRedis(undefined, { localPort: nobody, binary: 'no-such-redis-server-binary' })
    await expect(attempt).rejects.toBeInstanceOf(RedisNotFound)
    await expect(attempt).rejects.toThrow(/apt-get install -y redis-server/)
    await expect(attempt).rejects.toThrow(/REDIS_URL=/)
  })
})
