/**
 * A write on one app server, whatever the propagation mode: commit to the database (the mode decides how:
 * the outbox mode adds its outbox row in the same transaction), drop the writer's own L1 copy, then announce
 * the change (the mode decides how). A writer armed to crash dies between the commit and the announcement:
 * the dual-write problem, on demand.
 */
import { make, type Actor } from '../../../../lib/events'
import { dataKey } from '../../../../lib/keys'
import type { ReadOutcome } from '../cache-aside-ttl'
import type { Cluster, Propagation, ServerBus } from './cluster'

export async function writeOnServer(
  cluster: Cluster,
  propagation: Propagation,
  writer: ServerBus,
  userId: number,
  name: string,
  opts: { by: Actor; crashAfterCommit: boolean },
): Promise<ReadOutcome> {
  const key = dataKey.user(userId)
  return writer.request(
    'write',
    opts.by,
    async (scope) => {
      const user = await propagation.commit(scope, userId, name, writer)
      if (!user) return { ok: false, from: 'none', error: `no user ${userId}` }
      const inv = { key, version: user.version, at: Date.now(), from: writer.id }
      cluster.lastWrite.set(key, inv.at)
      writer.l1Drop(key, 'local')
      if (opts.crashAfterCommit) {
        writer.record(
          make('fault', 'app', { name: 'writer-crash', on: true, detail: 'died after its commit, before announcing it' }, key, {
            req: scope.req,
            node: writer.id,
          }),
        )
        return { ok: true, from: 'db', version: user.version, user }
      }
      await propagation.announce(scope, inv, writer)
      return { ok: true, from: 'db', version: user.version, user }
    },
    { key },
  )
}
