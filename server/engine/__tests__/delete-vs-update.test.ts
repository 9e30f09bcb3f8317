/**
 * The delete vs update on write lab through the whole app, with the real Redis and each database adapter:
 * each strategy in each order, with and without a failing database write or cache write, compared as whole
 * event sequences, plus what Redis and the database hold afterwards and the figures the lab publishes.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import type { EventOf, Kind, LabEvent } from '../../../lib/events'
import { roomKeys } from '../../../lib/keys'
import { DVU_TTL, type DeleteVsUpdateState } from '../../../lib/labs/delete-vs-update'
import { useTestApp, type TestDatabase } from '../../test-support/app'
import { briefs, collect } from '../../test-support/events'
import { sleep } from '../../test-support/env'
import { useRedis } from '../../test-support/redis'
import { LabError } from '../errors'

const redis = useRedis('check')

const MISS = (key: string) => [
  ['client', 'request', key],
  ['cache', 'miss', key],
  ['db', 'query', key],
  ['cache', 'set', key, 'app'],
  ['client', 'response', key],
]
const HIT = (key: string) => [
  ['client', 'request', key],
  ['cache', 'hit', key],
  ['client', 'response', key],
]

describe.each(['pglite', 'postgres'] as TestDatabase[])('delete vs update lab on %s', (database) => {
  const t = useTestApp({ database })

  async function labRoom() {
    const id = await t.room()
    const c = collect(t.app.engine.recorder, id)
    onTestFinished(() => c.stop())
    const act = async (action: string, params: Record<string, unknown> = {}) => {
      const from = c.last
      const result = (await t.app.engine.act(id, { lab: 'delete-vs-update', action, ...params }, 'you')) as Record<string, unknown>
      await t.app.engine.recorder.flush(id)
      return { result, events: c.after(from) }
    }
    const state = () =>
      t.app.engine.rooms
        .all()
        .find((l) => l.room.id === id)!
        .labs.get('delete-vs-update')!
        .state() as DeleteVsUpdateState
    const cached = async (key: string) => {
      const raw = await redis.check.get(roomKeys(id).full(key))
      return raw === null ? null : (JSON.parse(raw) as { version: number; name: string })
    }
    const dbRow = async (userId: number) =>
      (await t.app.db.query<{ version: number; name: string }>('SELECT version, name FROM users WHERE room = $1 AND id = $2', [id, userId])).rows[0]!
    const figures = (strategy: 'delete' | 'update') => state().comparison.find((f) => f.id === strategy)!
    const stat = (label: string) => state().stats.find((s) => s.label === label)?.value
    return { id, c, act, state, cached, dbRow, figures, stat, full: roomKeys(id).full }
  }

  const data = <K extends Kind>(events: LabEvent[], kind: K): EventOf<K>['data'] | undefined =>
    (events.find((e) => e.kind === kind) as EventOf<K> | undefined)?.data

  it('starts with delete on write, DB first, the default TTL', async () => {
    const lab = await labRoom()
    expect(lab.state()).toMatchObject({ strategy: 'delete', order: 'db-first', ttlSeconds: DVU_TTL.default, burst: false, lastWrite: null })
    expect(lab.state().comparison.map((f) => [f.id, f.writes])).toEqual([
      ['delete', 0],
      ['update', 0],
    ])
  })

  describe('DB first (the right order)', () => {
    it('delete on write: UPDATE then DEL; the next read misses, reloads the new row and caches it', async () => {
      const lab = await labRoom()
      await lab.act('read', { userId: 1 })
      const write = await lab.act('write', { userId: 1, name: 'Ada Byron' })
      expect(briefs(write.events)).toEqual([
        ['client', 'request', 'user:1'],
        ['db', 'update', 'user:1'],
        ['cache', 'del', 'user:1', 'app'],
        ['client', 'response', 'user:1'],
      ])
      expect(data(write.events, 'request')).toEqual({ action: 'deleteOnWrite', by: 'you', label: 'Delete on write, DB first' })
      expect(data(write.events, 'del')).toEqual({ existed: true })
      expect(write.result).toMatchObject({ ok: true, version: 2, cacheFailed: false, work: { cacheCommands: 1, bytes: 0, dbStatements: 1 } })
      expect(await lab.cached('user:1')).toBeNull()
      expect(await lab.dbRow(1)).toEqual({ version: 2, name: 'Ada Byron' })

      const next = await lab.act('read', { userId: 1 })
      expect(briefs(next.events)).toEqual(MISS('user:1'))
      expect(data(next.events, 'set')).toEqual({ ttlMs: DVU_TTL.default * 1000, version: 2 })
      expect(lab.figures('delete')).toMatchObject({
        writes: 1,
        cacheCommandsPerWrite: 1,
        bytesPerWrite: 0,
        dbStatementsPerWrite: 1,
        nextReads: 1,
        nextReadHits: 0,
        lastNextRead: { hit: false },
        stored: 0,
        wasted: 0,
      })
      expect(lab.stat('Next read after a delete')).toMatch(/ · miss$/)
      expect(lab.state().lastWrite).toMatchObject({
        strategy: 'Delete on write',
        order: 'db-first',
        userId: 1,
        ok: true,
        steps: [
          { step: 'db-write', ok: true },
          { step: 'cache-del', ok: true },
        ],
      })
    })

    it('update on write: UPDATE then SET the committed row with the TTL; the next read hits the new version', async () => {
      const lab = await labRoom()
      await lab.act('setStrategy', { strategy: 'update' })
      await lab.act('setTtl', { seconds: 9 })
      await lab.act('read', { userId: 2 })
      const write = await lab.act('write', { userId: 2, name: 'Grace H.' })
      expect(briefs(write.events)).toEqual([
        ['client', 'request', 'user:2'],
        ['db', 'update', 'user:2'],
        ['cache', 'set', 'user:2', 'app'],
        ['client', 'response', 'user:2'],
      ])
      expect(data(write.events, 'set')).toEqual({ ttlMs: 9000, version: 2 })
      expect(await lab.cached('user:2')).toMatchObject({ version: 2, name: 'Grace H.' })
      const pttl = await redis.check.pttl(lab.full('user:2'))
      expect(pttl).toBeGreaterThan(7000)
      expect(pttl).toBeLessThanOrEqual(9000)
      // The bytes the lab counts are the bytes Redis holds.
      const bytes = await redis.check.strlen(lab.full('user:2'))
      expect(write.result).toMatchObject({ ok: true, version: 2, work: { cacheCommands: 1, bytes, dbStatements: 1 }, stored: { version: 2, ttlMs: 9000 } })

      const next = await lab.act('read', { userId: 2 })
      expect(briefs(next.events)).toEqual(HIT('user:2'))
      expect(data(next.events, 'hit')).toMatchObject({ version: 2 })
      expect(lab.figures('update')).toMatchObject({
        writes: 1,
        bytesPerWrite: bytes,
        nextReads: 1,
        nextReadHits: 1,
        lastNextRead: { hit: true },
        stored: 1,
        readAfterStore: 1,
        wasted: 0,
        unread: 0,
      })
      expect(lab.stat('Next read after an update')).toMatch(/ · hit$/)
    })

    it('a failed database write fails the request and never reaches the cache, whichever the strategy', async () => {
      const lab = await labRoom()
      for (const strategy of ['delete', 'update'] as const) {
        const userId = strategy === 'delete' ? 3 : 4
        await lab.act('setStrategy', { strategy })
        await lab.act('read', { userId })
        await lab.act('fault', { target: 'db-write' })
        const write = await lab.act('write', { userId })
        expect(briefs(write.events)).toEqual([
          ['client', 'request', `user:${userId}`],
          ['db', 'fault', null],
          ['db', 'db-error', `user:${userId}`],
          ['client', 'response', `user:${userId}`],
        ])
        expect(data(write.events, 'response')).toMatchObject({ ok: false, error: expect.stringMatching(/could not serialize/) })
        expect(await lab.dbRow(userId)).toMatchObject({ version: 1 })
        expect(await lab.cached(`user:${userId}`)).toMatchObject({ version: 1 })
        const read = await lab.act('read', { userId })
        expect(briefs(read.events)).toEqual(HIT(`user:${userId}`))
      }
      expect(lab.state().counts).toEqual({ dirtyReads: 0, cacheFailures: 0, failedDbWrites: 2 })
      expect(lab.figures('delete')).toMatchObject({ writes: 1, failedWrites: 1, nextReads: 0 })
      expect(lab.state().lastWrite).toMatchObject({ ok: false, steps: [{ step: 'db-write', ok: false }] })
    })

    it('a failed DEL after the commit is logged and counted, the write succeeds, reads are stale until the TTL', async () => {
      const lab = await labRoom()
      await lab.act('setTtl', { seconds: 1 })
      await lab.act('read', { userId: 5 })
      await lab.act('fault', { target: 'cache-write' })
      const write = await lab.act('write', { userId: 5 })
      expect(briefs(write.events)).toEqual([
        ['client', 'request', 'user:5'],
        ['db', 'update', 'user:5'],
        ['cache', 'fault', null],
        ['cache', 'cache-error', 'user:5'],
        ['client', 'response', 'user:5'],
      ])
      expect(data(write.events, 'cache-error')).toEqual({ op: 'del', message: 'Redis unreachable: the connection is down' })
      expect(data(write.events, 'response')).toMatchObject({ ok: true, version: 2 })
      expect(write.result).toMatchObject({ ok: true, cacheFailed: true })
      expect(await lab.cached('user:5')).toMatchObject({ version: 1 })

      const stale = await lab.act('read', { userId: 5 })
      expect(briefs(stale.events)).toEqual([
        ['client', 'request', 'user:5'],
        ['cache', 'hit', 'user:5'],
        ['app', 'stale-read', 'user:5'],
        ['client', 'response', 'user:5'],
      ])
      expect(data(stale.events, 'stale-read')).toMatchObject({ cached: 1, truth: 2 })
      expect(lab.figures('delete')).toMatchObject({ nextReads: 1, nextReadHits: 1, nextReadsWrong: 1 })
      expect(lab.state().counts.cacheFailures).toBe(1)
      expect(lab.stat('Cache errors in writes')).toBe(1)

      await lab.c.waitFor({ kind: 'expired', key: 'user:5', src: 'redis' }, { timeoutMs: 5000 })
      const healed = await lab.act('read', { userId: 5 })
      expect(briefs(healed.events)).toEqual(MISS('user:5'))
      expect(data(healed.events, 'set')).toMatchObject({ version: 2 })
    })

    it('a failed SET after the commit leaves the old value, stale, and the request succeeds', async () => {
      const lab = await labRoom()
      await lab.act('setStrategy', { strategy: 'update' })
      await lab.act('read', { userId: 6 })
      await lab.act('fault', { target: 'cache-write' })
      const write = await lab.act('write', { userId: 6 })
      expect(briefs(write.events)).toEqual([
        ['client', 'request', 'user:6'],
        ['db', 'update', 'user:6'],
        ['cache', 'fault', null],
        ['cache', 'cache-error', 'user:6'],
        ['client', 'response', 'user:6'],
      ])
      expect(data(write.events, 'cache-error')).toMatchObject({ op: 'set' })
      expect(write.result).toMatchObject({ ok: true, cacheFailed: true, work: { cacheCommands: 1 } })
      expect(write.result.stored).toBeUndefined()
      const stale = await lab.act('read', { userId: 6 })
      expect(briefs(stale.events).map((b) => b[1])).toEqual(['request', 'hit', 'stale-read', 'response'])
      // Nothing was stored, so nothing can be wasted or read.
      expect(lab.figures('update')).toMatchObject({ stored: 0, wasted: 0 })
    })
  })

  describe('cache first (the wrong order)', () => {
    it('update on write: reads the row, stores the expected value, then writes; on success cache and DB agree', async () => {
      const lab = await labRoom()
      await lab.act('setStrategy', { strategy: 'update' })
      await lab.act('setOrder', { order: 'cache-first' })
      const write = await lab.act('write', { userId: 7, name: 'Alan T.' })
      expect(briefs(write.events)).toEqual([
        ['client', 'request', 'user:7'],
        ['db', 'query', 'user:7'],
        ['cache', 'set', 'user:7', 'app'],
        ['db', 'update', 'user:7'],
        ['client', 'response', 'user:7'],
      ])
      expect(data(write.events, 'set')).toMatchObject({ version: 2 })
      expect(write.result).toMatchObject({ ok: true, work: { cacheCommands: 1, dbStatements: 2 } })
      expect(await lab.cached('user:7')).toMatchObject({ version: 2, name: 'Alan T.' })
      expect(await lab.dbRow(7)).toEqual({ version: 2, name: 'Alan T.' })
      const read = await lab.act('read', { userId: 7 })
      expect(briefs(read.events)).toEqual(HIT('user:7'))
    })

    it('update on write with a failing write: the cache serves a version the database never committed', async () => {
      const lab = await labRoom()
      await lab.act('setStrategy', { strategy: 'update' })
      await lab.act('setOrder', { order: 'cache-first' })
      await lab.act('read', { userId: 8 })
      await lab.act('fault', { target: 'db-write' })
      const write = await lab.act('write', { userId: 8 })
      expect(briefs(write.events)).toEqual([
        ['client', 'request', 'user:8'],
        ['db', 'query', 'user:8'],
        ['cache', 'set', 'user:8', 'app'],
        ['db', 'fault', null],
        ['db', 'db-error', 'user:8'],
        ['client', 'response', 'user:8'],
      ])
      expect(data(write.events, 'response')).toMatchObject({ ok: false })
      expect(await lab.cached('user:8')).toMatchObject({ version: 2 })
      expect(await lab.dbRow(8)).toMatchObject({ version: 1 })

      const read = await lab.act('read', { userId: 8 })
      expect(briefs(read.events)).toEqual([
        ['client', 'request', 'user:8'],
        ['cache', 'hit', 'user:8'],
        ['app', 'dirty-read', 'user:8'],
        ['client', 'response', 'user:8'],
      ])
      expect(data(read.events, 'dirty-read')).toEqual({ cached: 2, truth: 1 })
      expect(lab.state().counts).toEqual({ dirtyReads: 1, cacheFailures: 0, failedDbWrites: 1 })
      expect(lab.stat('Never-committed reads')).toBe(1)
      // The inspector shows the cached version ahead of the database.
      const inspected = (await t.app.engine.inspect(lab.id)).keys.find((k) => k.key === 'user:8')!
      expect([inspected.version, inspected.dbVersion, inspected.staleSince]).toEqual([2, 1, null])
    })

    it('delete on write with a failing write: the key is gone, the next read misses and reloads the unchanged row', async () => {
      const lab = await labRoom()
      await lab.act('setOrder', { order: 'cache-first' })
      await lab.act('read', { userId: 9 })
      await lab.act('fault', { target: 'db-write' })
      const write = await lab.act('write', { userId: 9 })
      expect(briefs(write.events)).toEqual([
        ['client', 'request', 'user:9'],
        ['cache', 'del', 'user:9', 'app'],
        ['db', 'fault', null],
        ['db', 'db-error', 'user:9'],
        ['client', 'response', 'user:9'],
      ])
      expect(await lab.cached('user:9')).toBeNull()
      const read = await lab.act('read', { userId: 9 })
      expect(briefs(read.events)).toEqual(MISS('user:9'))
      expect(data(read.events, 'set')).toMatchObject({ version: 1 })
      expect(lab.state().counts).toEqual({ dirtyReads: 0, cacheFailures: 0, failedDbWrites: 1 })
    })

    it('delete on write: on success DEL then UPDATE', async () => {
      const lab = await labRoom()
      await lab.act('setOrder', { order: 'cache-first' })
      await lab.act('read', { userId: 10 })
      const write = await lab.act('write', { userId: 10 })
      expect(briefs(write.events)).toEqual([
        ['client', 'request', 'user:10'],
        ['cache', 'del', 'user:10', 'app'],
        ['db', 'update', 'user:10'],
        ['client', 'response', 'user:10'],
      ])
      expect(data(write.events, 'request')).toMatchObject({ label: 'Delete on write, cache first' })
    })

    it('a cache error before the write is logged and the write still commits; the old value stays, stale', async () => {
      const lab = await labRoom()
      await lab.act('setOrder', { order: 'cache-first' })
      await lab.act('read', { userId: 11 })
      await lab.act('fault', { target: 'cache-write' })
      const write = await lab.act('write', { userId: 11 })
      expect(briefs(write.events)).toEqual([
        ['client', 'request', 'user:11'],
        ['cache', 'fault', null],
        ['cache', 'cache-error', 'user:11'],
        ['db', 'update', 'user:11'],
        ['client', 'response', 'user:11'],
      ])
      expect(write.result).toMatchObject({ ok: true, cacheFailed: true, version: 2 })
      const read = await lab.act('read', { userId: 11 })
      expect(briefs(read.events).map((b) => b[1])).toEqual(['request', 'hit', 'stale-read', 'response'])
    })
  })

  it('deleteOnWrite and updateOnWrite run their strategy whatever is selected', async () => {
    const lab = await labRoom()
    const u = await lab.act('updateOnWrite', { userId: 12 })
    expect(briefs(u.events).map((b) => b[1])).toEqual(['request', 'update', 'set', 'response'])
    expect(data(u.events, 'request')).toMatchObject({ action: 'updateOnWrite' })
    await lab.act('setStrategy', { strategy: 'update' })
    const d = await lab.act('deleteOnWrite', { userId: 12 })
    expect(briefs(d.events).map((b) => b[1])).toEqual(['request', 'update', 'del', 'response'])
    // The update's value was deleted before anyone read it: a wasted cache write.
    expect(lab.figures('update')).toMatchObject({ stored: 1, wasted: 1, unread: 0 })
  })

  it('dbLatency makes the next read after a delete pay the database latency; after an update it is a hit', async () => {
    const lab = await labRoom()
    await lab.act('read', { userId: 13 })
    await lab.act('read', { userId: 14 })
    const latency = await lab.act('dbLatency', { ms: 120 })
    expect(latency.result).toMatchObject({ dbLatencyMs: 120 })
    await lab.act('deleteOnWrite', { userId: 13 })
    await lab.act('read', { userId: 13 })
    await lab.act('updateOnWrite', { userId: 14 })
    await lab.act('read', { userId: 14 })
    const del = lab.figures('delete').lastNextRead!
    const upd = lab.figures('update').lastNextRead!
    expect(del.hit).toBe(false)
    expect(del.ms).toBeGreaterThanOrEqual(120)
    expect(upd.hit).toBe(true)
    expect(lab.figures('delete').avgWriteMs).toBeGreaterThanOrEqual(120)
  })

  it('a write-heavy burst: update on write stores a value per write, most never read; delete stores none', async () => {
    const lab = await labRoom()
    await lab.act('setTtl', { seconds: 2 })
    const del = await lab.act('burst', { ops: 50, users: 5, readRatio: 0.1 })
    expect(del.result).toMatchObject({ requests: 50, burst: false })
    const count = (events: LabEvent[], kind: Kind) => events.filter((e) => e.kind === kind).length
    expect(del.events[0]).toMatchObject({ kind: 'setting', data: { name: 'burst', value: '50 requests to users 1–5 (45 writes, 5 reads), Delete on write' } })
    expect([count(del.events, 'update'), count(del.events, 'del'), count(del.events, 'miss'), count(del.events, 'query'), count(del.events, 'set')]).toEqual([45, 45, 5, 5, 5])
    for (const e of del.events.filter((e) => e.kind === 'request')) expect(e).toMatchObject({ data: { by: 'load' } })
    // Each user's requests ran in plan order: user 5 alternates write, read.
    const user5 = del.events.filter((e) => e.kind === 'request' && e.key === 'user:5').map((e) => e.kind === 'request' && e.data.action)
    expect(user5).toEqual(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 'deleteOnWrite' : 'read')))
    // The burst's requests run side by side: counted, but left out of the latency averages.
    expect(lab.figures('delete')).toMatchObject({ writes: 45, stored: 0, wasted: 0, nextReads: 5, nextReadHits: 0, avgWriteMs: null, avgNextReadMs: null })

    await lab.act('setStrategy', { strategy: 'update' })
    const upd = await lab.act('burst', { ops: 50, users: 5, readRatio: 0.1 })
    expect([count(upd.events, 'update'), count(upd.events, 'set'), count(upd.events, 'hit'), count(upd.events, 'query')]).toEqual([45, 45, 5, 0])
    // Users 1–4 were written ten times each and never read: nine values overwritten unread, the tenth unread so far.
    expect(lab.figures('update')).toMatchObject({ writes: 45, stored: 45, readAfterStore: 5, wasted: 36, unread: 4, nextReads: 5, nextReadHits: 5 })
    expect(lab.stat('Cache writes wasted')).toBe(36)
    // Once their TTL has run out, the last four are wasted too.
    await sleep(2100)
    expect(lab.figures('update')).toMatchObject({ wasted: 40, unread: 0 })
  })

  it('refuses a burst that could outlast the browser at this database latency, and says what to change', async () => {
    const lab = await labRoom()
    await lab.act('dbLatency', { ms: 900 })
    const refused = await t.app.engine
      .act(lab.id, { lab: 'delete-vs-update', action: 'burst', ops: 50, users: 5, readRatio: 0.1 }, 'you')
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(refused).toMatchObject({ code: 'E_LIMIT', status: 429 })
    expect((refused as Error).message).toBe(
      'At 900 ms per database statement this burst could take 9.0 s; the limit is 8 s. Lower the database latency to 800 ms or less, or send fewer requests.',
    )
    expect(lab.c.events.filter((e) => e.kind === 'request')).toEqual([])
    // Within the bound it runs.
    await lab.act('dbLatency', { ms: 0 })
    expect((await lab.act('burst', { ops: 10, users: 5, readRatio: 0 })).result).toMatchObject({ requests: 10 })
  })

  it('settings are recorded on the timeline, and bad parameters are refused', async () => {
    const lab = await labRoom()
    const s = await lab.act('setStrategy', { strategy: 'update' })
    const o = await lab.act('setOrder', { order: 'cache-first' })
    const ttl = await lab.act('setTtl', { seconds: 42 })
    expect([...s.events, ...o.events, ...ttl.events].map((e) => e.kind === 'setting' && [e.data.name, e.data.value])).toEqual([
      ['strategy', 'Update on write'],
      ['order', 'cache first'],
      ['ttl', '42 s'],
    ])
    expect(lab.state()).toMatchObject({ strategy: 'update', order: 'cache-first', ttlSeconds: 42 })
    const fail = (action: string, params: Record<string, unknown>) =>
      t.app.engine.act(lab.id, { lab: 'delete-vs-update', action, ...params }, 'you').then(
        () => undefined,
        (e: unknown) => (e instanceof LabError ? [e.code, e.extra.issues?.map((i) => i.path)] : e),
      )
    expect(await fail('setStrategy', { strategy: 'both' })).toEqual(['E_INVALID', ['strategy']])
    expect(await fail('setOrder', { order: 'never' })).toEqual(['E_INVALID', ['order']])
    expect(await fail('setTtl', { seconds: 0 })).toEqual(['E_INVALID', ['seconds']])
    expect(await fail('setTtl', { seconds: DVU_TTL.max + 1 })).toEqual(['E_INVALID', ['seconds']])
    expect(await fail('burst', { ops: 201 })).toEqual(['E_INVALID', ['ops']])
    expect(await fail('burst', { users: 21 })).toEqual(['E_INVALID', ['users']])
    expect(await fail('burst', { readRatio: 0.9 })).toEqual(['E_INVALID', ['readRatio']])
    expect(await fail('write', { userId: 101 })).toEqual(['E_INVALID', ['userId']])
    expect(await fail('write', { userId: 1, name: '' })).toEqual(['E_INVALID', ['name']])
    expect(await fail('write', { userId: 1, name: 'x'.repeat(61) })).toEqual(['E_INVALID', ['name']])
    expect(await fail('fault', { target: 'everything' })).toEqual(['E_INVALID', ['target']])
  })

  it('reset restores the settings, empties the figures and the cache, and restores the rows', async () => {
    const lab = await labRoom()
    await lab.act('setStrategy', { strategy: 'update' })
    await lab.act('setOrder', { order: 'cache-first' })
    await lab.act('fault', { target: 'db-write' })
    await lab.act('write', { userId: 1 })
    await lab.act('read', { userId: 1 })
    await lab.act('dbLatency', { ms: 50 })
    expect(lab.state().counts.dirtyReads).toBe(1)
    const reset = await lab.act('reset')
    expect(reset.result).toMatchObject({ deleted: 1, strategy: 'delete', order: 'db-first', dbLatencyMs: 0 })
    expect(lab.state()).toMatchObject({ counts: { dirtyReads: 0, cacheFailures: 0, failedDbWrites: 0 }, lastWrite: null })
    expect(lab.state().comparison.every((f) => f.writes === 0 && f.stored === 0)).toBe(true)
    expect(await lab.cached('user:1')).toBeNull()
    expect(await lab.dbRow(1)).toMatchObject({ version: 1 })
  })
})
