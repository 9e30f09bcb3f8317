/**
 * Change data capture with a transactional outbox: the row update and an outbox row announcing it are
 * written in ONE database transaction, so either both happen or neither does. A relay (here a small
 * process inside the engine) reads outbox rows not yet relayed, deletes the shared key, appends each to the
 * stream, and marks it relayed; the servers consume the stream as in the stream mode. A writer that dies
 * right after its commit cannot lose the announcement: it is already in the database.
 */
import { make } from '../../../../lib/events'
import { logger } from '../../../log'
import type { UserRow } from '../../room-db'
import { encodeInvalidation, type Cluster, type Propagation } from './cluster'
import { BUS_MAX_LEN } from './stream'
import { StreamConsumers } from './stream-consumers'

const log = logger('outbox')
/** How often the relay looks for new outbox rows. */
export const RELAY_INTERVAL_MS = 50

export function outboxPropagation(cluster: Cluster): Propagation {
  const consumers = new StreamConsumers(cluster, 'outbox')
  let relay: NodeJS.Timeout | undefined
  let relaying = false

  /** Moves outbox rows into the stream, oldest first; each row is marked relayed once appended. */
  const relayOnce = async () => {
    if (relaying) return
    relaying = true
    try {
      const scope = cluster.room.scope({ req: 'relay', node: 'relay' })
      const rows = await scope.db.select<{ id: number; key: string; version: number; written_at: number }>(
        'SELECT id, key, version, written_at FROM outbox WHERE room = $1 AND relayed_at IS NULL ORDER BY id LIMIT 100',
        [],
        'outbox',
      )
      for (const row of rows) {
        await scope.cache.del(row.key)
        const inv = { key: row.key, version: row.version, at: Number(row.written_at), from: 'relay' }
        const id = await scope.cache.command(
          'XADD',
          'bus',
          (r, full) => r.xadd(full, 'MAXLEN', '~', BUS_MAX_LEN, '*', 'inv', encodeInvalidation(inv)),
          { detail: () => `outbox row ${row.id}` },
        )
        cluster.room.record(make('publish', 'bus', { via: 'outbox', channel: 'bus', id: id ?? undefined }, row.key, { node: 'relay' }))
        await scope.db.write('UPDATE outbox SET relayed_at = now() WHERE room = $1 AND id = $2', [row.id], 'outbox')
      }
    } catch (err) {
      log.debug(`relay pass failed (it will run again): ${(err as Error).message}`)
    } finally {
      relaying = false
    }
  }

  return {
    mode: 'outbox',
    async start() {
      await consumers.createGroups()
      consumers.startAll()
      relay = setInterval(() => void relayOnce(), RELAY_INTERVAL_MS)
      relay.unref()
    },
    async stop() {
      clearInterval(relay)
      relay = undefined
      await consumers.stopAll()
    },
    /** The update and its announcement, in one transaction. */
    async commit(scope, userId, name) {
      return scope.db.transaction(async (tx): Promise<UserRow | undefined> => {
        const user = await tx.updateUser(userId, name)
        if (user) {
          await tx.write('INSERT INTO outbox (room, key, version, written_at) VALUES ($1, $2, $3, $4)', [`user:${userId}`, user.version, Date.now()], 'outbox')
        }
        return user
      })
    },
    // The writer announces nothing itself: the relay will.
    async announce() {},
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
