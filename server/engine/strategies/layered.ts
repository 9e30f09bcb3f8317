/**
 * Three layers that keep a user's cached copies consistent, combined as the best-practices lab runs them:
 * 1. write-through: the writer commits, then stores the new row in Redis (the shared cache) with a TTL;
 * 2. an event to the other servers: the writer PUBLISHes the change, and every server that hears it drops
 *    its in-process (L1) copy, so its next read goes to Redis and finds the new row;
 * 3. a TTL on every copy, in Redis and in each L1: whatever the first two miss is gone within a TTL.
 * Each layer covers for the others: a failed write-through is bounded by the Redis TTL, a lost event by the
 * L1 TTL; with no TTL, a failure of either leaves a stale copy until the next write.
 *
 * The decision of which layer restored consistency, after the fact, is `savedBy`, a pure function of the
 * events the run recorded.
 */
import { make, type Actor } from '../../../lib/events'
import { dataKey } from '../../../lib/keys'
import type { AppServer } from '../app-servers/app-server'
import type { Scope } from '../room'
import type { UserRow } from '../room-db'
import { encodeInvalidation, type Cluster } from './propagation/cluster'
import { renameUser, WriteRun, type WriteOutcome } from './write-path'
import { readWithFallback, type FallbackReadOutcome } from './fallback-read'

/** An L1 TTL that stands for "none": longer than any room lives. */
export const L1_FOREVER_MS = 24 * 3600 * 1000

/** L1, then Redis, then the database; what comes from further away is kept nearer on the way back. */
export async function readLayered(
  server: AppServer<UserRow>,
  scope: Scope,
  userId: number,
  ttlMs: number | null,
): Promise<FallbackReadOutcome> {
  const key = dataKey.user(userId)
  const local = server.l1Get(key, scope.req)
  if (local) {
    scope.checkFreshness(key, local.version)
    return { ok: true, from: 'l1', version: local.version, user: local, cache: 'hit' }
  }
  const outcome = await readWithFallback(scope, userId, ttlMs)
  if (outcome.user) server.l1Set(key, outcome.user, scope.req)
  return outcome
}

/**
 * The combined write on one server: commit (a failed commit stops here and touches no cache), drop the
 * writer's own L1 copy, write the row through to Redis with the TTL (best effort), and publish the change to
 * the other servers (best effort). A cache or bus failure after the commit is logged and counted; the
 * request still succeeds.
 */
export async function writeLayered(
  cluster: Cluster,
  writer: AppServer<UserRow>,
  userId: number,
  name: string,
  opts: { by: Actor; ttlMs: number | null },
): Promise<WriteOutcome & { published: boolean }> {
  const key = dataKey.user(userId)
  return writer.request(
    'write',
    opts.by,
    async (scope) => {
      const run = new WriteRun(scope, key)
      const user = await run.db('db-write', () => renameUser(scope, userId, name))
      if (!user) return { ...run.failed(), published: false }
      writer.l1Drop(key, 'local')
      await run.store(user, opts.ttlMs)
      const published = await announce(cluster, writer, scope, key, user.version)
      return { ...run.done(user), published }
    },
    { key },
  )
}

async function announce(
  cluster: Cluster,
  writer: AppServer<UserRow>,
  scope: Scope,
  key: string,
  version: number,
): Promise<boolean> {
  const channel = cluster.keys.channel
  try {
    const receivers = await writer.redis.publish(
      channel,
      encodeInvalidation({ key, version, at: Date.now(), from: writer.id }),
    )
    scope.record(
      'publish',
      'bus',
      { via: 'pubsub', channel: 'invalidate', receivers, expected: cluster.servers.length },
      key,
    )
    return true
  } catch (err) {
    writer.record(
      make('cache-error', 'bus', { op: 'publish', message: (err as Error).message }, key, {
        req: scope.req,
        node: writer.id,
      }),
    )
    return false
  }
}

/** What restored consistency after a write, as the run's events show it. */
export type Saviour = 'write-through and event' | 'L1 TTL' | 'Redis TTL' | 'nothing'

/**
 * Which layer ended the stale reads: none was needed when no read was stale; otherwise the TTL whose expiry
 * came before the first fresh read that followed the last stale one. Redis's copy is where the servers
 * refill from, so a Redis expiry in that stretch is what ended it (an L1 expiry then only finished the job);
 * 'nothing' when the reads were still stale at the end. `events` are the run's events in order, reduced to
 * what matters.
 */
export function savedBy(events: readonly { kind: 'stale' | 'fresh' | 'l1-expired' | 'redis-expired' }[]): Saviour {
  const lastStale = events.findLastIndex((e) => e.kind === 'stale')
  if (lastStale < 0) return 'write-through and event'
  const fresh = events.findIndex((e, i) => i > lastStale && e.kind === 'fresh')
  if (fresh < 0) return 'nothing'
  const before = events.slice(0, fresh)
  if (before.some((e) => e.kind === 'redis-expired')) return 'Redis TTL'
  if (before.some((e) => e.kind === 'l1-expired')) return 'L1 TTL'
  return 'nothing'
}
