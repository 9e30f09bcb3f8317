import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, resolveConfig } from './config'

describe('resolveConfig', () => {
  it('has a default for everything', () => {
    expect(resolveConfig({})).toEqual({
      port: 3000,
      host: '127.0.0.1',
      dev: true,
      redisUrl: undefined,
      databaseUrl: undefined,
      pgliteDir: path.resolve('.data/pglite'),
      roomIdleMs: 30 * 60_000,
      roomEventsMax: 20_000,
      maxBodyBytes: 64 * 1024,
      limits: {
        roomsPerAddress: 20,
        roomsMax: 500,
        http: { rate: 1000, burst: 3000 },
        actions: { rate: 100, burst: 300 },
        roomConnections: 2000,
        labIdleMs: 120_000,
      },
      logLevel: 'info',
      cluster: false,
      clusterChannel: 'cachelab:socket.io',
    })
  })

  it('reads the limits and refuses nonsense ones', () => {
    const c = resolveConfig({ ROOMS_PER_ADDRESS: '3', HTTP_REQUESTS_PER_SECOND: '0.5', LAB_IDLE_SECONDS: '30' })
    expect(c.limits.roomsPerAddress).toBe(3)
    expect(c.limits.http.rate).toBe(0.5)
    expect(c.limits.labIdleMs).toBe(30_000)
    expect(() => resolveConfig({ ROOMS_MAX: '0' })).toThrow(/ROOMS_MAX/)
    expect(() => resolveConfig({ ACTION_BURST: 'many' })).toThrow(/ACTION_BURST/)
  })

  it('keeps clusters on a shared Redis apart by channel, and refuses a channel that is not a plain name', () => {
    expect(resolveConfig({ CLUSTER_CHANNEL: 'cachelab:bench:42:socket.io' }).clusterChannel).toBe('cachelab:bench:42:socket.io')
    expect(() => resolveConfig({ CLUSTER_CHANNEL: 'a b' })).toThrow(ConfigError)
    expect(() => resolveConfig({ CLUSTER_CHANNEL: '' })).toThrow(ConfigError)
  })

  it('parses the environment once into the resolved shape', () => {
    const c = resolveConfig({
      PORT: '0',
      REDIS_URL: 'redis://h:6380',
      DATABASE_URL: 'postgresql://u@h/db',
      ROOM_IDLE_MINUTES: '1.5',
      ROOM_EVENTS_MAX: '5000',
      NODE_ENV: 'production',
    })
    expect(c).toMatchObject({
      port: 0,
      redisUrl: 'redis://h:6380',
      databaseUrl: 'postgresql://u@h/db',
      roomIdleMs: 90_000,
      roomEventsMax: 5000,
      dev: false,
    })
  })

  it('stops with a message naming each bad variable', () => {
    const bad: Record<string, string>[] = [
      { PORT: '70000' },
      { REDIS_URL: 'http://h:6379' },
      { DATABASE_URL: 'mysql://h/db' },
      { ROOM_EVENTS_MAX: '10' },
      { MAX_BODY_BYTES: '12' },
      { LOG_LEVEL: 'loud' },
      { ROOM_IDLE_MINUTES: '0' },
    ]
    for (const env of bad) {
      const name = Object.keys(env)[0]!
      expect(() => resolveConfig(env), name).toThrow(ConfigError)
      expect(() => resolveConfig(env), name).toThrow(new RegExp(name))
    }
  })
})
