/**
 * The best-practices lab through the whole app, with the real Redis and each database adapter: Redis cut or
 * frozen for the room's app servers while reads and writes keep succeeding and the failures are counted;
 * recovery without help once Redis is back, and the TTL cleaning up what a failed delete left; a failing
 * database write that never invalidates; the same missed invalidation with and without a TTL; the two
 * keyspace arms; the combined strategy with and without a fault.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import type { LabEvent } from '../../../lib/events'
import { roomKeys } from '../../../lib/keys'
import type { BestPracticesState, CombinedRow } from '../../../lib/labs/best-practices'
import { useTestApp, type TestDatabase } from '../../test-support/app'
import { briefs, collect, ofKind } from '../../test-support/events'
import { waitUntil } from '../../test-support/env'
import { useRedis } from '../../test-support/redis'

const LAB = 'best-practices'
const redis = useRedis('check')

/** A request's own events: the sampler's gauges interleave with them. */
const requestOnly = (events: LabEvent[]) => events.filter((e) => e.kind !== 'gauge' && e.kind !== 'setting')

function labRoomOf(t: ReturnType<typeof useTestApp>) {
  return async function labRoom() {
    const id = await t.room()
    const c = collect(t.app.engine.recorder, id)
    onTestFinished(() => c.stop())
    const act = async (action: string, params: Record<string, unknown> = {}) => {
      const from = c.last
      const result = (await t.app.engine.act(id, { lab: LAB, action, ...params }, 'you')) as Record<string, unknown>
      await t.app.engine.recorder.flush(id)
      return { result, events: c.after(from) }
    }
    const state = () => t.app.engine.rooms.peek(id)!.labs.get(LAB)!.state() as BestPracticesState
    const full = roomKeys(id).full
    onTestFinished(async () => {
      await t.app.engine.act(id, { lab: LAB, action: 'load', rps: 0 }, 'you').catch(() => {})
      await t.app.engine.act(id, { lab: LAB, action: 'churn', rps: 0 }, 'you').catch(() => {})
      await t.app.engine.act(id, { lab: LAB, action: 'redis', mode: 'up' }, 'you').catch(() => {})
    })
    return { id, c, act, state, full }
  }
}

/** GET /metrics shows each room's series only to the operator (the threat model): this test is one. */
const METRICS_TOKEN = 'best-practices-test-operator-token'

describe.each(['pglite', 'postgres'] as TestDatabase[])('best-practices lab on %s', (database) => {
  const t = useTestApp({ database, env: { METRICS_TOKEN } })
  const labRoom = labRoomOf(t)

  it('with Redis refused for the room, reads and writes succeed, failures are counted, and other clients still reach Redis', async () => {
    const lab = await labRoom()
    await lab.act('read', { userId: 1 })
    expect(await redis.check.get(lab.full('user:1'))).not.toBeNull()
    await lab.act('redis', { mode: 'refused' })
    expect(lab.state().redis).toBe('refused')

    const read = await lab.act('read', { userId: 1, server: 2 })
    expect(read.result).toMatchObject({ ok: true, from: 'db', cache: 'down', version: 1 })
    expect(briefs(requestOnly(read.events))).toEqual([
      ['client', 'request', 'user:1'],
      ['cache', 'cache-error', 'user:1'],
      ['db', 'query', 'user:1'],
      ['client', 'response', 'user:1'],
    ])
    // No SET was tried on a connection that just failed.
    expect(ofKind(read.events, 'set')).toEqual([])

    const write = await lab.act('write', { userId: 1 })
    expect(write.result).toMatchObject({ ok: true, version: 2, cacheFailed: true })
    expect(ofKind(write.events, 'update')).toHaveLength(1)
    expect(ofKind(write.events, 'cache-error').map((e) => e.data.op)).toEqual(['del'])
    expect(ofKind(write.events, 'response')[0]!.data).toMatchObject({ ok: true })

    const h = lab.state().health
    expect(h).toMatchObject({
      reads: 2,
      fallbacks: 1,
      failedReads: 0,
      writes: 1,
      failedWrites: 0,
      failedInvalidations: 1,
    })
    expect(h.log[0]).toMatchObject({ key: 'user:1' })
    expect(h.downP99).not.toBeNull()
    const metrics = t.app.engine.rooms.peek(lab.id)!.room.metrics
    expect(metrics.cacheErrors).toBe(2)
    const prom = (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }).then((r) => r.text())).split('\n')
    expect(prom).toContain(`cachelab_cache_errors_total{room="${lab.id}"} 2`)
    // The Redis server itself kept running: the old value the failed delete left is still there.
    expect(JSON.parse((await redis.check.get(lab.full('user:1')))!)).toMatchObject({ version: 1 })
  })

  it('with Redis frozen, a read falls back to the database once the socket times out', async () => {
    const lab = await labRoom()
    await lab.act('read', { userId: 3 })
    await lab.act('redis', { mode: 'frozen' })
    const read = await lab.act('read', { userId: 3 })
    expect(read.result).toMatchObject({ ok: true, from: 'db', cache: 'down' })
    const err = ofKind(read.events, 'cache-error')[0]
    expect(err?.data.message).toMatch(/did not answer|unreachable/)
    const write = await lab.act('write', { userId: 3 })
    expect(write.result).toMatchObject({ ok: true, cacheFailed: true })
  })

  it('recovers by itself when Redis is back, and the TTL ends what a failed delete left stale', async () => {
    const lab = await labRoom()
    await lab.act('setTtl', { seconds: 5 })
    await lab.act('read', { userId: 2 })
    await lab.act('redis', { mode: 'refused' })
    await lab.act('write', { userId: 2 })
    await lab.act('redis', { mode: 'up' })
    // No reconnect call anywhere: the client's own retry brings it back.
    const hit = await waitUntil(
      async () => {
        const r = await lab.act('read', { userId: 2 })
        return r.result.cache === 'hit' ? r : undefined
      },
      'a cache hit after Redis came back',
      8000,
      100,
    )
    expect(ofKind(hit.events, 'stale-read')).toHaveLength(1)
    expect(lab.state().health.firstHitAfterMs).not.toBeNull()
    await lab.c.waitFor({ kind: 'expired', key: 'user:2', src: 'redis' }, { timeoutMs: 8000 })
    const fresh = await lab.act('read', { userId: 2 })
    expect(fresh.result).toMatchObject({ ok: true, from: 'db', version: 2 })
    expect(ofKind(fresh.events, 'stale-read')).toEqual([])
  })

  it('a failing database write never invalidates, and cached reads keep working while the database fails', async () => {
    const lab = await labRoom()
    await lab.act('read', { userId: 4 })
    await lab.act('dbFailing', { on: true })
    const write = await lab.act('write', { userId: 4 })
    expect(write.result).toMatchObject({ ok: false, cacheFailed: false })
    expect(ofKind(write.events, 'db-error')).toHaveLength(1)
    expect(ofKind(write.events, 'del')).toEqual([])
    expect(JSON.parse((await redis.check.get(lab.full('user:4')))!)).toMatchObject({ version: 1 })
    const hit = await lab.act('read', { userId: 4 })
    expect(hit.result).toMatchObject({ ok: true, from: 'cache', version: 1 })
    const miss = await lab.act('read', { userId: 5 })
    expect(miss.result).toMatchObject({ ok: false, from: 'none' })
    expect(ofKind(miss.events, 'db-error')).toHaveLength(1)
    await lab.act('dbFailing', { on: false })
    const back = await lab.act('read', { userId: 5 })
    expect(back.result).toMatchObject({ ok: true, from: 'db', version: 1 })
    expect(lab.c.events.filter((e) => e.kind === 'stale-read')).toEqual([])
  })
})

describe('best-practices lab: TTLs and layers (pglite)', () => {
  const t = useTestApp({ database: 'pglite' })
  const labRoom = labRoomOf(t)

  it('the same missed invalidation heals with a TTL and stays stale without one', async () => {
    const lab = await labRoom()
    const missed = await lab.act('missed')
    const stale = ofKind(missed.events, 'stale-read').map((e) => e.key)
    expect(stale.sort()).toEqual(['user:1', 'user:2'])
    expect(await redis.check.pttl(lab.full('user:1'))).toBeGreaterThan(0)
    expect(await redis.check.pttl(lab.full('user:2'))).toBe(-1)
    await lab.c.waitFor({ kind: 'expired', key: 'user:1', src: 'redis' }, { timeoutMs: 10_000 })
    const after = await lab.act('readArms')
    expect(ofKind(after.events, 'stale-read').map((e) => e.key)).toEqual(['user:2'])
    expect(after.result).toEqual([
      { arm: 'ttl', from: 'db', version: 2 },
      { arm: 'nottl', from: 'cache', version: 1 },
    ])
    await lab.act('measure')
    const arms = lab.state().arms
    expect(arms.find((a) => a.arm === 'nottl')).toMatchObject({ cached: 1, truth: 2, ttlLeftMs: null })
    expect(arms.find((a) => a.arm === 'nottl')!.staleSince).not.toBeNull()
    expect(arms.find((a) => a.arm === 'ttl')).toMatchObject({ cached: 2, truth: 2, staleSince: null })
  })

  it('post reads fill both arms; only the arm without a TTL keeps its keys', async () => {
    const lab = await labRoom()
    await lab.act('churn', { rps: 20 })
    await waitUntil(() => (lab.state().keyspace?.nottl.keys ?? 0) >= 10, 'ten keys in the arm without a TTL', 8000)
    await lab.act('churn', { rps: 0 })
    await lab.act('measure')
    const ks = lab.state().keyspace!
    expect(ks.nottl.keys).toBeGreaterThanOrEqual(ks.ttl.keys)
    expect(ks.nottl.bytes).toBeGreaterThan(0)
    expect(ks.usedMemory).toBeGreaterThan(0)
    let cursor = '0'
    const ttls: number[] = []
    do {
      const [next, keys] = await redis.check.scan(cursor, 'MATCH', lab.full('nottl:post:*'), 'COUNT', 1000)
      cursor = next
      for (const k of keys) ttls.push(await redis.check.pttl(k))
    } while (cursor !== '0')
    expect(ttls.length).toBe(ks.nottl.keys)
    expect(new Set(ttls)).toEqual(new Set([-1]))
    await waitUntil(
      async () => {
        await lab.act('measure')
        return lab.state().keyspace!.ttl.keys === 0
      },
      'the arm with a TTL to empty itself',
      10_000,
      500,
    )
    expect(lab.state().keyspace!.nottl.keys).toBe(ks.nottl.keys)
  })

  it("another lab's reset ends the outage this lab left in the shared room, and this lab shows it", async () => {
    const lab = await labRoom()
    await lab.act('redis', { mode: 'refused' })
    await lab.act('dbFailing', { on: true })
    const room = t.app.engine.rooms.peek(lab.id)!.room
    expect([room.redisMode, room.dbFailing]).toEqual(['refused', true])
    await t.app.engine.act(lab.id, { lab: 'ttl', action: 'reset' }, 'you')
    expect([room.redisMode, room.dbFailing]).toEqual(['up', false])
    expect(lab.state()).toMatchObject({ redis: 'up', dbFailing: false })
    const read = await lab.act('read', { userId: 6 })
    expect(read.result).toMatchObject({ ok: true, from: 'db' })
  })

  it('the combined strategy with all layers working serves no stale read', async () => {
    const lab = await labRoom()
    const run = await lab.act('combine', { fault: 'none' })
    const row = run.result as unknown as CombinedRow
    expect(row).toMatchObject({ fault: 'none', staleReads: 0, freshAtEnd: true, savedBy: 'write-through and event' })
    // Write-through stored the new row; the event reached both servers.
    expect(ofKind(run.events, 'publish')[0]!.data).toMatchObject({ receivers: 2, expected: 2 })
    expect(
      ofKind(run.events, 'deliver')
        .map((e) => e.node)
        .sort(),
    ).toEqual(['app1', 'app2'])
    expect(lab.state().combined.rows).toEqual([row])
  }, 30_000)

  it('a lost event is ended by the L1 TTL, on the server that missed it only', async () => {
    const lab = await labRoom()
    const run = await lab.act('combine', { fault: 'event' })
    const row = run.result as unknown as CombinedRow
    expect(row).toMatchObject({ fault: 'event', freshAtEnd: true, savedBy: 'L1 TTL' })
    expect(row.staleReads).toBeGreaterThan(0)
    expect(new Set(ofKind(run.events, 'stale-read').map((e) => e.node))).toEqual(new Set(['app2']))
    expect(ofKind(run.events, 'publish')[0]!.data).toMatchObject({ receivers: 1, expected: 2 })
  }, 30_000)
})
