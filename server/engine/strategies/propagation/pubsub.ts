/**
 * Redis Pub/Sub: the writer deletes the shared key and PUBLISHes the invalidation; every server's
 * subscriber drops its L1 copy. Delivery is at most once: PUBLISH reaches the subscribers connected at that
 * instant (its reply says how many), and a server whose subscriber is down never hears of it, even after it
 * comes back.
 */
import { make } from '../../../../lib/events'
import { decodeInvalidation, encodeInvalidation, type Cluster, type Propagation, type ServerBus } from './cluster'

export function pubsubPropagation(cluster: Cluster): Propagation {
  const channel = cluster.keys.channel
  const listening = new Set<string>()

  const subscribe = async (server: ServerBus) => {
    const sub = server.subscriber()
    sub.on('message', (ch: string, message: string) => {
      if (ch !== channel) return
      const inv = decodeInvalidation(message)
      if (inv) cluster.apply(server, inv, 'pubsub')
    })
    await sub.subscribe(channel)
    listening.add(server.id)
  }

  return {
    mode: 'pubsub',
    async start() {
      await Promise.all(cluster.servers.filter((s) => cluster.listeners.get(s.id)?.up).map(subscribe))
    },
    async stop() {
      await Promise.all(cluster.servers.map((s) => s.dropSubscriber()))
      listening.clear()
    },
    commit: (scope, userId, name) => scope.db.updateUser(userId, name),
    async announce(scope, inv, writer) {
      await scope.cache.del(inv.key)
      const receivers = await writer.redis.publish(channel, encodeInvalidation(inv))
      const expected = cluster.servers.length
      // Every server that was not listening missed this message for good.
      for (const s of cluster.servers) if (!listening.has(s.id)) cluster.counter(s.id).lost += 1
      cluster.room.record(
        make('publish', 'bus', { via: 'pubsub', channel: 'invalidate', receivers, expected }, inv.key, {
          req: scope.req,
          node: writer.id,
        }),
      )
    },
    async setListener(server, up) {
      if (up) await subscribe(server)
      else {
        // The subscriber goes away entirely (a crashed process, a dropped connection): Redis forgets it.
        listening.delete(server.id)
        await server.dropSubscriber()
      }
    },
  }
}
