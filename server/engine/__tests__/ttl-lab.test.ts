/**
 * The TTL lab through the whole app (startApp on port 0, no Next.js), with the real Redis and each database
 * adapter: every action's events compared as whole sequences, plus what Redis and the database hold after.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import type { EventOf, Kind, LabEvent } from '../../../lib/events'
import { roomKeys } from '../../../lib/keys'
import { DATA_CLASSES, type TtlLabState } from '../../../lib/labs/ttl'
import { useTestApp, type TestDatabase } from '../../test-support/app'
import { brief, briefs, collect } from '../../test-support/events'
import { sleep, waitUntil } from '../../test-support/env'
import { scanAll, useRedis } from '../../test-support/redis'
import { LabError } from '../errors'
import { seedRoom } from '../../db/seed'
import { DEFAULT_DB_LATENCY_MS } from '../../../lib/labs/stampede'

const redis = useRedis('check')

/** The default (warm) TTL and the hot class's, from the lab's own table. */
const WARM_MS = DATA_CLASSES.warm.labSeconds * 1000
const HOT_S = DATA_CLASSES.hot.labSeconds

const READ_MISS = (key: string) => [
  ['client', 'request', key],
  ['cache', 'miss', key],
  ['db', 'query', key],
  ['cache', 'set', key, 'app'],
  ['client', 'response', key],
]
const READ_HIT = (key: string) => [
  ['client', 'request', key],
  ['cache', 'hit', key],
  ['client', 'response', key],
]

describe.each(['pglite', 'postgres'] as TestDatabase[])('TTL lab on %s', (database) => {
  const t = useTestApp({ database })

  async function labRoom() {
    const id = await t.room()
    const c = collect(t.app.engine.recorder, id)
    onTestFinished(() => c.stop())
    const act = async (action: string, params: Record<string, unknown> = {}) => {
      const from = c.last
      const result = (await t.app.engine.act(id, { lab: 'ttl', action, ...params }, 'you')) as Record<string, unknown>
      return { result, events: c.after(from) }
    }
    const state = () =>
      t.app.engine.rooms
        .all()
        .find((l) => l.room.id === id)!
        .labs.get('ttl')!
        .state() as TtlLabState
    return { id, c, act, state, full: roomKeys(id).full }
  }

  /** The data of the first event of a kind, typed for that kind. */
  const data = <K extends Kind>(events: LabEvent[], kind: K): EventOf<K>['data'] | undefined =>
    (events.find((e) => e.kind === kind) as EventOf<K> | undefined)?.data

  it('serves the room from the configured database', () => {
    expect(t.app.db.kind).toBe(database)
  })

  it('a first read misses, queries the database and caches the row with the TTL; the next read hits', async () => {
    const lab = await labRoom()
    const miss = await lab.act('read', { userId: 1 })
    expect(briefs(miss.events)).toEqual(READ_MISS('user:1'))
    expect(new Set(miss.events.map((e) => e.req)).size).toBe(1)
    expect(miss.result).toMatchObject({ ok: true, from: 'db', version: 1, user: { id: 1, version: 1 } })
    expect(data(miss.events, 'set')).toEqual({ ttlMs: WARM_MS, version: 1 })
    expect(data(miss.events, 'response')).toMatchObject({ ok: true, from: 'db', version: 1 })
    expect(data(miss.events, 'request')).toEqual({ action: 'read', by: 'you' })

    const cached = JSON.parse((await redis.check.get(lab.full('user:1')))!) as { id: number; version: number }
    expect(cached).toMatchObject({ id: 1, version: 1 })
    const pttl = await redis.check.pttl(lab.full('user:1'))
    expect(pttl).toBeGreaterThan(WARM_MS - 5000)
    expect(pttl).toBeLessThanOrEqual(WARM_MS)

    const hit = await lab.act('read', { userId: 1 })
    expect(briefs(hit.events)).toEqual(READ_HIT('user:1'))
    expect(hit.result).toMatchObject({ ok: true, from: 'cache', version: 1 })
    expect(data(hit.events, 'hit')).toMatchObject({ version: 1 })
  })

  // Regression guard (F1 in /tmp/test-findings.md): on PGlite every query event used to say rows: 0.
  it('the query event says how many rows the read returned', async () => {
    const lab = await labRoom()
    const { events } = await lab.act('read', { userId: 2 })
    expect(data(events, 'query')).toMatchObject({ rows: 1, version: 1 })
  })

  it('an update changes only the database; the next read is a stale hit, measured from the update', async () => {
    const lab = await labRoom()
    await lab.act('read', { userId: 1 })
    const update = await lab.act('update', { userId: 1, name: 'Ada Byron' })
    expect(briefs(update.events)).toEqual([
      ['client', 'request', 'user:1'],
      ['db', 'update', 'user:1'],
      ['client', 'response', 'user:1'],
    ])
    expect(update.result).toMatchObject({ ok: true, from: 'db', version: 2, user: { name: 'Ada Byron' } })
    expect(JSON.parse((await redis.check.get(lab.full('user:1')))!)).toMatchObject({ version: 1 })
    await sleep(120)
    const stale = await lab.act('read', { userId: 1 })
    expect(briefs(stale.events)).toEqual([
      ['client', 'request', 'user:1'],
      ['cache', 'hit', 'user:1'],
      ['app', 'stale-read', 'user:1'],
      ['client', 'response', 'user:1'],
    ])
    const verdict = data(stale.events, 'stale-read')!
    expect([verdict.cached, verdict.truth]).toEqual([1, 2])
    expect(verdict.staleForMs).toBeGreaterThanOrEqual(100)
    expect(verdict.staleForMs).toBeLessThan(60_000)
    expect(stale.result).toMatchObject({ from: 'cache', version: 1 })
  })

  it('expire hands the key to Redis, whose own expiry follows; the next read is fresh', async () => {
    const lab = await labRoom()
    await lab.act('read', { userId: 3 })
    await lab.act('update', { userId: 3 })
    const expire = await lab.act('expire', { userId: 3 })
    expect(expire.result).toMatchObject({ ok: true, existed: true })
    const expired = await lab.c.waitFor({ kind: 'expired', key: 'user:3' }, { afterSeq: expire.events[0]!.seq - 1 })
    expect(expired).toMatchObject({ lane: 'cache', src: 'redis' })
    await sleep(100) // a duplicate of any of these would have arrived by now
    expect(briefs(lab.c.after(expire.events[0]!.seq - 1))).toEqual([
      ['client', 'request', 'user:3'],
      ['cache', 'expire', 'user:3', 'app'],
      ['client', 'response', 'user:3'],
      ['cache', 'expired', 'user:3', 'redis'],
    ])
    const fresh = await lab.act('read', { userId: 3 })
    expect(briefs(fresh.events)).toEqual(READ_MISS('user:3'))
    expect(fresh.result).toMatchObject({ from: 'db', version: 2 })
    // Expiring a key that is not there is not an error.
    expect((await lab.act('expire', { userId: 4 })).result).toMatchObject({ ok: true, existed: false })
  })

  it('setTtl null caches without a TTL (PTTL -1); setTtl 7 caches for 7 s', async () => {
    const lab = await labRoom()
    const none = await lab.act('setTtl', { seconds: null })
    expect(none.result).toMatchObject({ dataClass: 'custom', ttlSeconds: null })
    expect(briefs(none.events)).toEqual([['app', 'setting', null]])
    expect(data(none.events, 'setting')).toEqual({ name: 'ttl', value: 'none' })
    const read = await lab.act('read', { userId: 5 })
    expect(data(read.events, 'set')).toEqual({ ttlMs: null, version: 1 })
    expect(await redis.check.pttl(lab.full('user:5'))).toBe(-1)

    await lab.act('setTtl', { seconds: 7 })
    expect(lab.state()).toMatchObject({ dataClass: 'custom', ttlSeconds: 7 })
    const read7 = await lab.act('read', { userId: 6 })
    expect(data(read7.events, 'set')).toEqual({ ttlMs: 7000, version: 1 })
    const pttl = await redis.check.pttl(lab.full('user:6'))
    expect(pttl).toBeGreaterThan(5000)
    expect(pttl).toBeLessThanOrEqual(7000)
  })

  it('setDataClass picks the class TTL for the next writes', async () => {
    const lab = await labRoom()
    const hot = await lab.act('setDataClass', { dataClass: 'hot' })
    expect(hot.result).toMatchObject({ dataClass: 'hot', ttlSeconds: HOT_S })
    expect(data(hot.events, 'setting')).toEqual({ name: 'dataClass', value: `hot (${HOT_S} s)` })
    const read = await lab.act('read', { userId: 7 })
    expect(data(read.events, 'set')).toEqual({ ttlMs: HOT_S * 1000, version: 1 })
    const pttl = await redis.check.pttl(lab.full('user:7'))
    expect(pttl).toBeGreaterThan(HOT_S * 1000 - 2000)
    expect(pttl).toBeLessThanOrEqual(HOT_S * 1000)
    await lab.act('setDataClass', { dataClass: 'config' })
    expect(lab.state()).toMatchObject({ dataClass: 'config', ttlSeconds: DATA_CLASSES.config.labSeconds })
  })

  it('reset empties the cache, restores the rows and the default settings', async () => {
    const lab = await labRoom()
    await lab.act('read', { userId: 1 })
    await lab.act('read', { userId: 2 })
    await lab.act('update', { userId: 1 })
    await lab.act('setDataClass', { dataClass: 'cold' })
    await lab.act('dbLatency', { ms: 5 })
    const reset = await lab.act('reset')
    expect(reset.result).toMatchObject({ dataClass: 'warm', ttlSeconds: WARM_MS / 1000, dbLatencyMs: 0, deleted: 2 })
    expect(brief(reset.events[0]!)).toEqual(['app', 'marker', null])
    expect(briefs(reset.events.slice(1)).sort()).toEqual([
      ['cache', 'del', 'user:1', 'app'],
      ['cache', 'del', 'user:2', 'app'],
    ])
    expect(await redis.check.exists(lab.full('user:1'), lab.full('user:2'))).toBe(0)
    expect(await redis.check.exists(roomKeys(lab.id).meta)).toBe(1)
    const { rows } = await t.app.db.query<{ version: number }>('SELECT version FROM users WHERE room = $1 AND id = 1', [
      lab.id,
    ])
    expect(rows[0]!.version).toBe(1)
    // The oracle forgot the old truth: reading version 1 again is not stale.
    const read = await lab.act('read', { userId: 1 })
    expect(briefs(read.events)).toEqual(READ_MISS('user:1'))
    expect(read.result).toMatchObject({ version: 1 })
    await sleep(100)
    expect(lab.c.events.filter((e) => e.src === 'outside')).toEqual([])
  })

  it('dbLatency slows every query by at least the latency', async () => {
    const lab = await labRoom()
    const set = await lab.act('dbLatency', { ms: 150, jitterMs: 20 })
    expect(set.result).toMatchObject({ dbLatencyMs: 150, dbJitterMs: 20 })
    expect(data(set.events, 'setting')).toEqual({ name: 'dbLatency', value: '150 ms ± 20 ms' })
    const read = await lab.act('read', { userId: 8 })
    expect(data(read.events, 'query')!.ms).toBeGreaterThanOrEqual(150)
    expect(data(read.events, 'response')!.ms).toBeGreaterThanOrEqual(150)
    const update = await lab.act('update', { userId: 8 })
    expect(data(update.events, 'update')!.ms).toBeGreaterThanOrEqual(150)
    await lab.act('dbLatency', { ms: 0 })
    expect(lab.state()).toMatchObject({ dbLatencyMs: 0, dbJitterMs: 0 })
  })

  it('load makes requests on its own until it is stopped', async () => {
    const lab = await labRoom()
    const started = await lab.act('load', { rps: 20, users: 3, writeRatio: 0.2 })
    expect(started.result).toMatchObject({ load: { rps: 20, users: 3, writeRatio: 0.2 } })
    expect(data(started.events, 'setting')).toEqual({ name: 'load', value: '20 rps over 3 users, 20% writes' })
    const byLoad = () => lab.c.events.filter((e) => e.kind === 'request' && e.data.by === 'load')
    await waitUntil(() => byLoad().length >= 10, '10 requests from the load', 5000)
    await lab.act('load', { rps: 0 })
    const count = byLoad().length
    await sleep(300)
    expect(byLoad()).toHaveLength(count)
    const actions = new Set(byLoad().map((e) => e.kind === 'request' && e.data.action))
    expect(actions).toEqual(new Set(['read', 'update']))
    const keys = new Set(byLoad().map((e) => e.key))
    for (const key of keys) expect(['user:1', 'user:2', 'user:3']).toContain(key)
    expect(lab.state().load.rps).toBe(0)
  })

  it("a learner's redis-cli in the room shows on the timeline as outside, its expiry as Redis's, and in the inspector", async () => {
    const lab = await labRoom()
    await lab.act('read', { userId: 1 })
    await redis.check.set(lab.full('note'), 'hello', 'PX', 400)
    await redis.check.hset(lab.full('profile:1'), 'name', 'Ada')
    await lab.c.waitFor({ kind: 'set', key: 'note', src: 'outside' })
    await lab.c.waitFor({ kind: 'cache-op', key: 'profile:1', src: 'outside' })
    const inspect = await t.app.engine.inspect(lab.id)
    expect(inspect.keys.map((k) => [k.key, k.type, k.value, k.version, k.dbVersion, k.staleSince])).toEqual([
      ['note', 'string', 'hello', null, null, null],
      ['profile:1', 'hash', null, null, null, null],
      ['user:1', 'string', expect.any(String), 1, 1, null],
    ])
    expect(inspect.keys[0]!.ttlMs).toBeLessThanOrEqual(400)
    await lab.c.waitFor({ kind: 'expired', key: 'note', src: 'redis' }, { timeoutMs: 3000 })
    expect((await t.app.engine.inspect(lab.id)).keys.map((k) => k.key)).toEqual(['profile:1', 'user:1'])
    expect((await t.app.engine.metrics(lab.id)).outsideOps).toBeGreaterThanOrEqual(2)
    expect((await t.app.engine.metrics(lab.id)).expirations).toBe(1)
  })

  it('rejects unknown rooms, labs and actions, and parameters outside the schema', async () => {
    const lab = await labRoom()
    const fail = (room: string, body: Record<string, unknown>) =>
      t.app.engine.act(room, { lab: 'ttl', action: 'read', ...body }, 'you').then(
        () => undefined,
        (e: unknown) => (e instanceof LabError ? [e.status, e.code, e.extra.issues?.map((i) => i.path)] : e),
      )
    expect(await fail('nosuchroom99', { userId: 1 })).toEqual([404, 'E_UNKNOWN_ROOM', undefined])
    expect(await fail(lab.id, { lab: 'nolab', userId: 1 })).toEqual([404, 'E_UNKNOWN_LAB', undefined])
    expect(await fail(lab.id, { action: 'fly' })).toEqual([400, 'E_UNKNOWN_ACTION', undefined])
    expect(await fail(lab.id, { action: 'constructor' })).toEqual([400, 'E_UNKNOWN_ACTION', undefined])
    expect(await fail(lab.id, { userId: 0 })).toEqual([400, 'E_INVALID', ['userId']])
    expect(await fail(lab.id, { userId: 101 })).toEqual([400, 'E_INVALID', ['userId']])
    expect(await fail(lab.id, { userId: '1' })).toEqual([400, 'E_INVALID', ['userId']])
    expect(await fail(lab.id, { userId: 1, extra: true })).toEqual([400, 'E_INVALID', ['(root)']])
    expect(await fail(lab.id, { action: 'setTtl', seconds: 0 })).toEqual([400, 'E_INVALID', ['seconds']])
    expect(await fail(lab.id, { action: 'demo', id: 'no-such-demo' })).toEqual([400, 'E_UNKNOWN_DEMO', undefined])
    expect(lab.c.events).toEqual([])
  })

  it('an idle room is swept: its keys unlinked, its rows deleted, and it is unknown afterwards', async () => {
    const lab = await labRoom()
    await lab.act('read', { userId: 1 })
    await t.app.engine.recorder.flush(lab.id)
    expect(await redis.check.exists(lab.full('user:1'), roomKeys(lab.id).events, roomKeys(lab.id).meta)).toBe(3)
    const live = await t.app.engine.room(lab.id)
    live.room.lastActive = 0
    expect(await t.app.engine.rooms.sweepIdle()).toContain(lab.id)
    const keys = await scanAll(redis.check, roomKeys(lab.id).pattern)
    expect(keys).toEqual([])
    const { rows } = await t.app.db.query('SELECT 1 FROM users WHERE room = $1', [lab.id])
    expect(rows).toEqual([])
    await expect(t.app.engine.room(lab.id)).rejects.toMatchObject({ code: 'E_UNKNOWN_ROOM' })
  })

  it('the start-up sweep removes what a dead process left (keys and rows of rooms without metadata), and nothing else', async () => {
    const lab = await labRoom()
    await lab.act('read', { userId: 1 })
    const dead = `dead${Math.random().toString(36).slice(2, 12)}`
    await seedRoom(t.app.db, dead)
    await redis.check.set(roomKeys(dead).full('user:1'), '{"version":1}')
    await redis.check.xadd(roomKeys(dead).events, '1-0', 'e', '[]')
    const swept = await t.app.engine.rooms.sweepOrphans()
    expect(swept.rooms).toBeGreaterThanOrEqual(1)
    expect(swept.keys).toBeGreaterThanOrEqual(2)
    expect(await redis.check.exists(roomKeys(dead).full('user:1'), roomKeys(dead).events)).toBe(0)
    expect((await t.app.db.query('SELECT 1 FROM users WHERE room = $1', [dead])).rows).toEqual([])
    // The live room keeps everything.
    expect(await redis.check.exists(lab.full('user:1'), roomKeys(lab.id).meta)).toBe(2)
    expect((await t.app.db.query('SELECT count(*)::int AS n FROM users WHERE room = $1', [lab.id])).rows).toEqual([{ n: 100 }])
  })

  it("each lab brings its own database latency: another lab's setting never slows this one", async () => {
    const lab = await labRoom()
    const room = t.app.engine.rooms.peek(lab.id)!.room
    const latency = () => ({ ...room.dbLatency })
    // Every room creates every lab; the stampede lab's 50 ms must not be the room's until the room uses it.
    await lab.act('read', { userId: 1 })
    expect(latency()).toEqual({ ms: 0, jitterMs: 0 })
    const from = lab.c.last
    // Moving to the stampede lab (a read there) brings its default latency, recorded as a setting.
    await t.app.engine.act(lab.id, { lab: 'stampede', action: 'read', userId: 1 }, 'you')
    expect(latency()).toEqual({ ms: DEFAULT_DB_LATENCY_MS, jitterMs: 0 })
    await lab.act('setTtl', { seconds: 30 })
    expect(latency()).toEqual({ ms: 0, jitterMs: 0 })
    const settings = lab.c.after(from).filter((e) => e.kind === 'setting' && e.data.name === 'dbLatency')
    expect(settings.map((e) => (e.kind === 'setting' ? e.data.value : null))).toEqual([
      `${DEFAULT_DB_LATENCY_MS} ms ± 0 ms`,
      '0 ms ± 0 ms',
    ])
    // A lab's own latency control still works, and comes back when the room returns to the lab.
    await lab.act('dbLatency', { ms: 120, jitterMs: 10 })
    await t.app.engine.act(lab.id, { lab: 'stampede', action: 'dbLatency', ms: 30, jitterMs: 0 }, 'you')
    expect(latency()).toEqual({ ms: 30, jitterMs: 0 })
    await lab.act('read', { userId: 2 })
    expect(latency()).toEqual({ ms: 120, jitterMs: 10 })
  })
})
