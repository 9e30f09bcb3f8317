/**
 * Lock: the first request to miss takes `SET lock:<key> <owner-token> NX PX <ttl>`, loads the row, stores
 * it and releases the lock; everyone else waits with jittered backoff and reads the cache again. The lock's
 * TTL bounds how long a holder that dies can block the key; a waiter that finds the lock gone takes it.
 *
 * Waiters either poll (jittered backoff) or, with `lockWait: 'notify'`, park until the holder PUBLISHes the
 * key on the room's unlock channel (./unlock-channel.ts), with the lock's TTL as their longest nap.
 *
 * Release is a compare-and-delete (lock-release-1.lua): only the owner's token deletes it. The plain DEL in
 * the usual snippet deletes whatever lock is there, including one another request took after ours expired.
 */
import { randomBytes } from 'node:crypto'
import { guardKey } from '../../../../lib/keys'
import { SCRIPTS, runScript } from '../../lua/scripts'
import type { Scope } from '../../room'
import { errors } from '../../errors'
import { getEntry, storeEntry } from './entry'
import { backoffMs, sleep, type ReadContext, type ReadResult, type StampedeStrategy } from './types'

export const lockKey = guardKey.lock

export function newOwnerToken(): string {
  return randomBytes(6).toString('hex')
}

/** SET lock:<key> <token> NX PX <ttl>: true if we took it. */
export async function acquireLock(scope: Scope, key: string, token: string, ttlMs: number): Promise<boolean> {
  const took = await scope.cache.setNx(lockKey(key), token, ttlMs)
  // Taking the lock is shown whichever request does it; a busy answer only for requests drawn in full.
  if (took) scope.note('lock', 'cache', { op: 'acquire', token, ttlMs }, lockKey(key))
  else scope.record('lock', 'cache', { op: 'busy' }, lockKey(key))
  return took
}

/** Deletes the lock if it still holds our token; false (and a `not-owner` event) if it does not. */
export async function releaseLock(scope: Scope, key: string, token: string): Promise<boolean> {
  const lock = lockKey(key)
  const released = await scope.cache.script(
    'lock-release',
    [lock],
    (redis, [full]) => runScript<number>(redis, SCRIPTS.lockRelease, [full!], [token]),
    {
      may: [['del']],
      effects: (n) => (n === 1 ? [{ key: lock, op: 'del', existed: true }] : []),
      detail: (n) => (n === 1 ? 'ours: deleted' : 'not ours: left alone'),
    },
  )
  scope.note('lock', 'cache', { op: released === 1 ? 'release' : 'not-owner', token }, lock)
  return released === 1
}

export async function readWithLock(ctx: ReadContext): Promise<ReadResult> {
  const { scope, key, settings } = ctx
  const first = await getEntry(scope, key)
  if (first) return { served: 'hit', version: first.version }
  const token = newOwnerToken()
  const deadline = Date.now() + settings.maxWaitMs
  for (let attempt = 0; ; attempt++) {
    if (await acquireLock(scope, key, token, settings.lockTtlMs)) {
      // Someone may have stored the value between our GET and our SET NX.
      const again = attempt > 0 ? await getEntry(scope, key) : undefined
      if (again) {
        await releaseLock(scope, key, token)
        return { served: 'waited', version: again.version }
      }
      if (ctx.holderDies()) {
        scope.note('lock', 'cache', { op: 'dead', token }, lockKey(key))
        throw new Error('the lock holder died before loading (its lock stays until its TTL)')
      }
      try {
        const entry = await ctx.load()
        await storeEntry(scope, key, entry)
        if (settings.lockWait === 'notify' && ctx.unlocks) await ctx.unlocks.publish(scope, key).catch(() => 0)
        return { served: 'db', version: entry.version }
      } finally {
        await releaseLock(scope, key, token).catch(() => {})
      }
    }
    if (Date.now() >= deadline) throw errors.lockTimeout(key, settings.maxWaitMs)
    if (settings.lockWait === 'notify' && ctx.unlocks) {
      // Park first, then look once more: a holder that published in between is not missed. A dead holder
      // never publishes, so the wait ends with the lock's TTL and the loop tries to take the lock.
      const parked = ctx.unlocks.park(key, Math.min(settings.lockTtlMs, deadline - Date.now()))
      const now = await getEntry(scope, key)
      if (now) {
        parked.cancel()
        return { served: 'waited', version: now.version }
      }
      await parked.woken
    } else await sleep(backoffMs(attempt, ctx.random()))
    const cached = await getEntry(scope, key)
    if (cached) return { served: 'waited', version: cached.version }
  }
}

export const lock: StampedeStrategy = { id: 'lock', read: readWithLock }
