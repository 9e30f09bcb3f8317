/**
 * The stampede lab through the whole app, on the real Redis and each database adapter: an unprotected
 * burst makes one query per request; the lock, leases and coalescing make exactly one (coalescing: one per
 * app server); a lock is never released by a non-owner; a dead lock holder is recovered from once the lock's
 * TTL runs out; soft expiry serves stale and refreshes once; a burst is summed up in a bounded number of
 * events whatever its size.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import type { EventOf, LabEvent } from '../../../lib/events'
import { guardKey, roomKeys } from '../../../lib/keys'
import type { BurstSummary, StampedeLabState } from '../../../lib/labs/stampede'
import { useTestApp, type TestDatabase } from '../../test-support/app'
import { collect } from '../../test-support/events'
import { sleep } from '../../test-support/env'
import { useRedis } from '../../test-support/redis'
import { acquireLock, releaseLock } from '../strategies/stampede/lock'

const redis = useRedis('check')

type BurstEvent = EventOf<'burst'> & LabEvent

describe.each(['pglite', 'postgres'] as TestDatabase[])('stampede lab on %s', (database) => {
  const t = useTestApp({ database })

  async function labRoom() {
    const id = await t.room()
    const c = collect(t.app.engine.recorder, id)
    onTestFinished(() => c.stop())
    const act = async <T = unknown>(action: string, params: Record<string, unknown> = {}) => {
      const result = (await t.app.engine.act(id, { lab: 'stampede', action, ...params }, 'you')) as T
      await t.app.engine.recorder.flush(id)
      return result
    }
    const state = () => t.app.engine.rooms.peek(id)!.labs.get('stampede')!.state() as StampedeLabState
    const bursts = () => c.events.filter((e): e is BurstEvent => e.kind === 'burst')
    const queries = () => c.events.filter((e) => e.kind === 'query')
    return { id, c, act, state, bursts, queries, full: roomKeys(id).full }
  }

  it('an unprotected burst on an expired key makes one database query per request', async () => {
    const lab = await labRoom()
    const r = await lab.act<BurstSummary>('burst', { strategy: 'none', n: 200 })
    expect(r).toMatchObject({ strategy: 'none', total: 200, dbQueries: 200, errors: 0 })
    expect(r.outcomes.db).toBe(200)
    expect(r.peakInFlight).toBeGreaterThan(1)
    const end = lab.bursts().find((e) => e.data.phase === 'end')!
    expect(end.data).toMatchObject({ dbQueries: 200, done: 200, total: 200 })
    // Six requests drawn in full, each with its own query event; the other 194 summed up.
    expect(end.data.sampled).toHaveLength(6)
    expect(end.data.sampledQueries).toBe(6)
    expect(lab.queries().filter((e) => e.req?.startsWith('r'))).toHaveLength(6)
    expect(end.data.buckets!.flat().reduce((a, b) => a + b, 0)).toBe(200)
    expect(end.data.latency!.reduce((a, b) => a + b, 0)).toBe(200)
  })

  it.each(['lock', 'leases', 'coalescing'] as const)(
    '%s makes exactly one query for a burst of 300 on an expired key',
    async (strategy) => {
      const lab = await labRoom()
      const r = await lab.act<BurstSummary>('burst', { strategy, n: 300 })
      expect(r).toMatchObject({ strategy, total: 300, dbQueries: 1, errors: 0, stale: 0 })
      expect(r.outcomes.db).toBe(1)
      expect(r.outcomes.waited + r.outcomes.hit).toBe(299)
      // The value is cached afterwards, and the guard key is gone.
      expect(await redis.check.get(lab.full('user:1'))).toContain('"version"')
      const guard = strategy === 'lock' ? guardKey.lock('user:1') : guardKey.lease('user:1')
      expect(await redis.check.exists(lab.full(guard))).toBe(0)
    },
  )

  it('coalescing makes one query per app server', async () => {
    const lab = await labRoom()
    await lab.act('settings', { servers: 4 })
    const r = await lab.act<BurstSummary>('burst', { strategy: 'coalescing', n: 400 })
    expect(r.dbQueries).toBe(4)
    expect(r.perServer).toEqual([1, 1, 1, 1])
  })

  it('a lock is never released by a non-owner: a release with another token leaves the lock alone', async () => {
    const lab = await labRoom()
    const room = t.app.engine.rooms.peek(lab.id)!.room
    const scope = room.scope({ req: 'test' })
    expect(await acquireLock(scope, 'user:1', 'aaaa', 100)).toBe(true)
    expect(await acquireLock(scope, 'user:1', 'bbbb', 100)).toBe(false)
    // A's lock expires while A still works; B takes it; A's late release must not delete B's.
    await sleep(150)
    expect(await acquireLock(scope, 'user:1', 'bbbb', 5000)).toBe(true)
    expect(await releaseLock(scope, 'user:1', 'aaaa')).toBe(false)
    expect(await redis.check.get(lab.full(guardKey.lock('user:1')))).toBe('bbbb')
    expect(await releaseLock(scope, 'user:1', 'bbbb')).toBe(true)
    expect(await redis.check.exists(lab.full(guardKey.lock('user:1')))).toBe(0)
    await t.app.engine.recorder.flush(lab.id)
    const ops = lab.c.events.filter((e) => e.kind === 'lock').map((e) => (e as EventOf<'lock'>).data.op)
    expect(ops).toEqual(['acquire', 'busy', 'acquire', 'not-owner', 'release'])
  })

  it('lock waiters can wait on a notification: the holder PUBLISHes the key, one query, everyone served', async () => {
    const lab = await labRoom()
    await lab.act('settings', { lockWait: 'notify' })
    const r = await lab.act<BurstSummary>('burst', { strategy: 'lock', n: 300 })
    expect(r).toMatchObject({ dbQueries: 1, errors: 0 })
    expect(r.outcomes.waited + r.outcomes.hit).toBe(299)
    // The holder's announcement, one PUBLISH, drawn on the timeline whichever request held the lock.
    await lab.act('burst', { strategy: 'lock', n: 50 })
    const publishes = lab.c.events.filter((e) => e.kind === 'publish' && e.data.channel === 'unlock')
    expect(publishes.map((e) => e.key)).toEqual(['user:1', 'user:1'])
    // A dead holder never publishes: the waiters' naps end with the lock TTL and one of them loads.
    await lab.act('settings', { lockTtlMs: 300 })
    await lab.act('killHolder', { times: 1 })
    const dead = await lab.act<BurstSummary>('burst', { strategy: 'lock', n: 100 })
    expect(dead).toMatchObject({ dbQueries: 1, errors: 1 })
    expect(dead.p50).toBeGreaterThanOrEqual(300)
  })

  it('a lock holder that dies: the others wait for the lock TTL, then one of them loads (one more query)', async () => {
    const lab = await labRoom()
    await lab.act('settings', { lockTtlMs: 400 })
    await lab.act('killHolder', { times: 1 })
    const r = await lab.act<BurstSummary>('burst', { strategy: 'lock', n: 100 })
    expect(r.errors).toBe(1)
    expect(r.dbQueries).toBe(1)
    expect(r.outcomes.db).toBe(1)
    expect(r.outcomes.waited).toBe(98)
    // Nobody got the value before the dead holder's lock expired.
    expect(r.p50).toBeGreaterThanOrEqual(400)
    expect(lab.c.events.some((e) => e.kind === 'lock' && e.data.op === 'dead')).toBe(true)
    expect(lab.state().holderDies).toBe(false)
  })

  it('soft expiry serves the stale value to everyone and refreshes once in the background', async () => {
    const lab = await labRoom()
    const r = await lab.act<BurstSummary>('burst', { strategy: 'soft', n: 300 })
    expect(r).toMatchObject({ dbQueries: 1, stale: 300, errors: 0 })
    const cached = JSON.parse((await redis.check.get(lab.full('user:1')))!) as { softUntil: number }
    expect(cached.softUntil).toBeGreaterThan(Date.now())
  })

  it('leases can hand the stale copy to readers denied a lease', async () => {
    const lab = await labRoom()
    await lab.act('settings', { leaseServesStale: true })
    const r = await lab.act<BurstSummary>('burst', { strategy: 'leases', n: 200 })
    expect(r.dbQueries).toBe(1)
    expect(r.outcomes.db).toBe(1)
    expect(r.stale + r.outcomes.hit).toBe(199)
    expect(r.stale).toBeGreaterThan(0)
  })

  it('XFetch refreshes before the expiry, so a ramp across it never finds the key missing', async () => {
    const lab = await labRoom()
    await lab.act('settings', { beta: 3 })
    const r = await lab.act<BurstSummary>('burst', {
      strategy: 'xfetch',
      n: 400,
      rampMs: 1000,
      start: 'expiring',
      expireInMs: 500,
    })
    expect(r.errors).toBe(0)
    expect(r.refreshes).toBeGreaterThanOrEqual(1)
    const end = lab.bursts().find((e) => e.data.phase === 'end')!
    // Each refresh was decided before the expiry, and each is one query.
    expect(end.data.refreshAt!.every((ms) => ms > 0)).toBe(true)
    expect(r.dbQueries).toBe(r.refreshes)
  })

  it('a burst of 5000 is summed up in a bounded number of events, its query count exact', async () => {
    const lab = await labRoom()
    await lab.act('dbLatency', { ms: 5, jitterMs: 0 })
    const from = lab.c.last
    const r = await lab.act<BurstSummary>('burst', { strategy: 'none', n: 5000, keys: 50, distribution: 'zipf' })
    expect(r.dbQueries).toBe(5000)
    const events = lab.c.after(from)
    expect(events.length).toBeLessThan(400)
    const end = events.find((e): e is BurstEvent => e.kind === 'burst' && e.data.phase === 'end')!
    expect(end.data.dbQueries).toBe(5000)
    // The room's metrics count every request and query, the summed-up ones included (a query of a request
    // drawn in full that failed, as the pool's queue can time out under 5000 at once, counts as a DB error).
    const m = await t.app.engine.metrics(lab.id)
    expect(m.dbQueries + m.dbErrors).toBeGreaterThanOrEqual(5000)
    expect(m.requests).toBeGreaterThanOrEqual(5000)
  })

  it('compare runs every strategy on the same burst, one row each', async () => {
    const lab = await labRoom()
    const r = await lab.act<{ compare: string; rows: BurstSummary[] }>('compare', { n: 100 })
    expect(r.rows.map((row) => row.strategy)).toEqual([
      'none',
      'lock',
      'coalescing',
      'early-linear',
      'xfetch',
      'soft',
      'leases',
    ])
    const by = Object.fromEntries(r.rows.map((row) => [row.strategy, row]))
    expect(by.none!.dbQueries).toBe(100)
    expect(by.lock!.dbQueries).toBe(1)
    expect(by.coalescing!.dbQueries).toBe(1)
    expect(by.leases!.dbQueries).toBe(1)
    expect(by.soft!.dbQueries).toBe(1)
    expect(lab.bursts().filter((e) => e.data.phase === 'end' && e.data.compare === r.compare)).toHaveLength(7)
    // Nothing the bursts did showed up as a change from outside the app.
    expect(lab.c.events.filter((e) => e.src === 'outside')).toEqual([])
  })

  it('refuses a second burst while one runs, and more than 5000 requests', async () => {
    const lab = await labRoom()
    await lab.act('dbLatency', { ms: 300, jitterMs: 0 })
    const first = lab.act('burst', { strategy: 'none', n: 10 })
    await sleep(20)
    await expect(lab.act('burst', { strategy: 'none', n: 10 })).rejects.toMatchObject({ code: 'E_BUSY' })
    await first
    await expect(lab.act('burst', { n: 5001 })).rejects.toMatchObject({ code: 'E_INVALID' })
  })
})
