/**
 * Redis server-assisted client-side caching (CLIENT TRACKING): each server's command connection asks Redis
 * to remember the keys it reads, with invalidation messages redirected to the server's subscriber connection
 * (subscribed to `__redis__:invalidate`). When any client changes or deletes such a key, Redis itself tells
 * each server that read it; the server drops its L1 copy. NOLOOP: a server is not told about its own writes
 * (it drops its own copy itself). The writer only has to delete the shared key.
 */
import type { Cluster, Propagation, ServerBus } from './cluster'

export const TRACKING_CHANNEL = '__redis__:invalidate'

export function trackingPropagation(cluster: Cluster): Propagation {
  const ready = new Map<string, () => void>()

  const enable = async (server: ServerBus) => {
    const sub = server.subscriber()
    const subId = (await sub.client('ID')) as number
    sub.on('message', (channel: string, message: string | string[] | null) => {
      if (channel !== TRACKING_CHANNEL || message === null) return
      const prefix = cluster.keys.prefix
      for (const full of Array.isArray(message) ? message : [message]) {
        if (!full.startsWith(prefix)) continue
        const key = full.slice(prefix.length)
        const at = cluster.lastWrite.get(key) ?? Date.now()
        cluster.apply(server, { key, version: 0, at, from: 'redis' }, 'tracking')
      }
    })
    await sub.subscribe(TRACKING_CHANNEL)
    const turnOn = () =>
      server.redis.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', String(subId), 'NOLOOP').catch(() => {})
    await turnOn()
    // Tracking belongs to a connection: switch it on again whenever the command connection reconnects.
    server.redis.on('ready', turnOn)
    ready.set(server.id, () => server.redis.off('ready', turnOn))
  }

  return {
    mode: 'tracking',
    async start() {
      await Promise.all(cluster.servers.map(enable))
    },
    async stop() {
      for (const s of cluster.servers) {
        ready.get(s.id)?.()
        await s.redis.call('CLIENT', 'TRACKING', 'OFF').catch(() => {})
        await s.dropSubscriber()
      }
      ready.clear()
    },
    commit: (scope, userId, name) => scope.db.updateUser(userId, name),
    async announce(scope, inv) {
      await scope.cache.del(inv.key)
    },
    async setListener() {},
  }
}
