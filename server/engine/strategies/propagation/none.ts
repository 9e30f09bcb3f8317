/**
 * No propagation: the writer updates the database and deletes the shared Redis key, and that is all. The
 * other servers keep serving their L1 copies until those expire: the stale window is the L1 TTL.
 */
import type { Cluster, Invalidation, Propagation } from './cluster'

export function noPropagation(_cluster: Cluster): Propagation {
  return {
    mode: 'none',
    async start() {},
    async stop() {},
    commit: (scope, userId, name) => scope.db.updateUser(userId, name),
    async announce(scope, inv: Invalidation) {
      await scope.cache.del(inv.key)
    },
    async setListener() {},
  }
}
