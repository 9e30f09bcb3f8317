/**
 * A durable stream, the Kafka model: the writer deletes the shared key and appends the invalidation to the
 * room's stream (XADD); every server consumes it through its own consumer group and acknowledges after
 * applying (see stream-consumers.ts). Nothing is lost while a server is down; what is lost is the announcement
 * itself if the writer dies between its commit and the XADD (the dual-write problem the outbox fixes).
 */
import { make } from '../../../../lib/events'
import { encodeInvalidation, type Cluster, type Propagation } from './cluster'
import { StreamConsumers } from './stream-consumers'

/** Entries the invalidation stream keeps (older ones are trimmed). */
export const BUS_MAX_LEN = 10_000

export function streamPropagation(cluster: Cluster): Propagation {
  const consumers = new StreamConsumers(cluster, 'stream')
  return {
    mode: 'stream',
    async start() {
      await consumers.createGroups()
      consumers.startAll()
    },
    stop: () => consumers.stopAll(),
    commit: (scope, userId, name) => scope.db.updateUser(userId, name),
    async announce(scope, inv, writer) {
      await scope.cache.del(inv.key)
      const id = await writer.redis.xadd(cluster.keys.bus, 'MAXLEN', '~', BUS_MAX_LEN, '*', 'inv', encodeInvalidation(inv))
      cluster.room.record(
        make('publish', 'bus', { via: 'stream', channel: 'bus', id: id ?? undefined }, inv.key, { req: scope.req, node: writer.id }),
      )
    },
    async setListener(server, up) {
      if (up) consumers.start(server)
      else {
        cluster.listeners.set(server.id, { up: false })
        await consumers.stop(server)
      }
    },
    crashBeforeAck: (server) => consumers.crashBeforeAck(server),
    busStatus: () => consumers.status(),
  }
}
