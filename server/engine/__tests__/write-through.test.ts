/**
 * The write-through lab through the whole app, with the real Redis and each database adapter: reads of the
 * cached profile, write-through and delete-on-write writes compared as whole event sequences, the cache write
 * failing after the commit (stale until the TTL, or forever without one), and the figures the lab publishes.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import type { EventOf, Kind, LabEvent } from '../../../lib/events'
import { roomKeys } from '../../../lib/keys'
import { WT_TTL, type WriteThroughState } from '../../../lib/labs/write-through'
import { useTestApp, type TestDatabase } from '../../test-support/app'
import { briefs, collect } from '../../test-support/events'
import { useRedis } from '../../test-support/redis'
import { LabError } from '../errors'

const redis = useRedis('check')

const profile = (id: number) => `user:${id}:profile`
/** A read that misses rebuilds the profile: the user's row, then their posts. */
const REBUILD = (id: number) => [
  ['client', 'request', profile(id)],
  ['cache', 'miss', profile(id)],
  ['db', 'query', `user:${id}`],
  ['db', 'query', profile(id)],
  ['cache', 'set', profile(id), 'app'],
  ['client', 'response', profile(id)],
]
const HIT = (id: number) => [
  ['client', 'request', profile(id)],
  ['cache', 'hit', profile(id)],
  ['client', 'response', profile(id)],
]

describe.each(['pglite', 'postgres'] as TestDatabase[])('write-through lab on %s', (database) => {
  const t = useTestApp({ database })

  async function labRoom() {
    const id = await t.room()
    const c = collect(t.app.engine.recorder, id)
    onTestFinished(() => c.stop())
    const act = async (action: string, params: Record<string, unknown> = {}) => {
      const from = c.last
      const result = (await t.app.engine.act(id, { lab: 'write-through', action, ...params }, 'you')) as Record<string, unknown>
      await t.app.engine.recorder.flush(id)
      return { result, events: c.after(from) }
    }
    const state = () =>
      t.app.engine.rooms
        .all()
        .find((l) => l.room.id === id)!
        .labs.get('write-through')!
        .state() as WriteThroughState
    const cached = async (userId: number) => {
      const raw = await redis.check.get(roomKeys(id).full(profile(userId)))
      return raw === null ? null : (JSON.parse(raw) as { version: number; name: string; posts: { id: number; title: string }[] })
    }
    const figures = (strategy: 'through' | 'delete') => state().comparison.find((f) => f.id === strategy)!
    return { id, c, act, state, cached, figures, full: roomKeys(id).full }
  }

  const data = <K extends Kind>(events: LabEvent[], kind: K): EventOf<K>['data'] | undefined =>
    (events.find((e) => e.kind === kind) as EventOf<K> | undefined)?.data

  it('a read misses, rebuilds the profile from the row and the posts, and caches it; the next read hits', async () => {
    const lab = await labRoom()
    const miss = await lab.act('read', { userId: 1 })
    expect(briefs(miss.events)).toEqual(REBUILD(1))
    expect(data(miss.events, 'set')).toEqual({ ttlMs: WT_TTL.default * 1000, version: 1 })
    expect(miss.result).toMatchObject({ ok: true, from: 'db', version: 1 })
    // User 1's posts are 1, 101, 201, 301, 401 (the seed spreads 500 posts over 100 users).
    expect(await lab.cached(1)).toMatchObject({
      id: 1,
      version: 1,
      posts: [1, 101, 201, 301, 401].map((id) => ({ id, title: `Post ${id}` })),
    })
    const hit = await lab.act('read', { userId: 1 })
    expect(briefs(hit.events)).toEqual(HIT(1))
  })

  it('write-through: UPDATE, the posts query, SET of the new profile; the next read hits the new version', async () => {
    const lab = await labRoom()
    await lab.act('read', { userId: 2 })
    const write = await lab.act('writeThrough', { userId: 2, name: 'Grace H.' })
    expect(briefs(write.events)).toEqual([
      ['client', 'request', profile(2)],
      ['db', 'update', 'user:2'],
      ['db', 'query', profile(2)],
      ['cache', 'set', profile(2), 'app'],
      ['client', 'response', profile(2)],
    ])
    expect(data(write.events, 'request')).toEqual({ action: 'writeThrough', by: 'you', label: 'Write-through, DB first' })
    expect(data(write.events, 'set')).toEqual({ ttlMs: WT_TTL.default * 1000, version: 2 })
    const stored = await lab.cached(2)
    expect(stored).toMatchObject({ version: 2, name: 'Grace H.' })
    expect(stored!.posts).toHaveLength(5)
    const bytes = await redis.check.strlen(lab.full(profile(2)))
    expect(write.result).toMatchObject({ ok: true, version: 2, cacheFailed: false, work: { cacheCommands: 1, bytes, dbStatements: 2 } })

    const read = await lab.act('read', { userId: 2 })
    expect(briefs(read.events)).toEqual(HIT(2))
    expect(data(read.events, 'hit')).toMatchObject({ version: 2 })
    expect(lab.figures('through')).toMatchObject({ writes: 1, dbStatementsPerWrite: 2, bytesPerWrite: bytes, nextReads: 1, nextReadHits: 1, stored: 1, readAfterStore: 1 })
    expect(lab.state().lastWrite).toMatchObject({
      strategy: 'Write-through',
      ok: true,
      steps: [
        { step: 'db-write', ok: true },
        { step: 'posts-read', ok: true },
        { step: 'cache-set', ok: true },
      ],
    })
  })

  it('the same write with delete on write: UPDATE, DEL; the next read rebuilds the profile itself', async () => {
    const lab = await labRoom()
    await lab.act('read', { userId: 3 })
    const write = await lab.act('deleteOnWrite', { userId: 3 })
    expect(briefs(write.events)).toEqual([
      ['client', 'request', profile(3)],
      ['db', 'update', 'user:3'],
      ['cache', 'del', profile(3), 'app'],
      ['client', 'response', profile(3)],
    ])
    expect(write.result).toMatchObject({ ok: true, work: { cacheCommands: 1, bytes: 0, dbStatements: 1 } })
    const read = await lab.act('read', { userId: 3 })
    expect(briefs(read.events)).toEqual(REBUILD(3))
    expect(data(read.events, 'set')).toMatchObject({ version: 2 })
    expect(lab.figures('delete')).toMatchObject({ writes: 1, dbStatementsPerWrite: 1, bytesPerWrite: 0, nextReads: 1, nextReadHits: 0 })
  })

  it('with database latency, a write-through write pays for the extra query and a delete-on-write write does not', async () => {
    const lab = await labRoom()
    await lab.act('dbLatency', { ms: 100 })
    await lab.act('writeThrough', { userId: 4 })
    await lab.act('deleteOnWrite', { userId: 5 })
    // Two statements each paying at least the latency, against one.
    expect(lab.figures('through').avgWriteMs).toBeGreaterThanOrEqual(200)
    expect(lab.figures('delete').avgWriteMs).toBeGreaterThanOrEqual(100)
    expect(lab.state().stats.find((s) => s.label === 'Write latency, write-through')!.hint).toBe('mean of 1 write, 2 SQL statements each')
  })

  it('a failed cache write after the commit: logged and counted, the write succeeds, the old profile is served stale until its TTL', async () => {
    const lab = await labRoom()
    await lab.act('setTtl', { seconds: 1 })
    await lab.act('read', { userId: 6 })
    await lab.act('fault', { target: 'cache-write' })
    const write = await lab.act('writeThrough', { userId: 6 })
    expect(briefs(write.events)).toEqual([
      ['client', 'request', profile(6)],
      ['db', 'update', 'user:6'],
      ['db', 'query', profile(6)],
      ['cache', 'fault', null],
      ['cache', 'cache-error', profile(6)],
      ['client', 'response', profile(6)],
    ])
    expect(data(write.events, 'cache-error')).toEqual({ op: 'set', message: 'Redis unreachable: the connection is down' })
    expect(data(write.events, 'response')).toMatchObject({ ok: true, version: 2 })
    expect(lab.state().counts).toEqual({ cacheFailures: 1, failedDbWrites: 0, dirtyReads: 0 })
    expect(await lab.cached(6)).toMatchObject({ version: 1 })

    const stale = await lab.act('read', { userId: 6 })
    expect(briefs(stale.events)).toEqual([
      ['client', 'request', profile(6)],
      ['cache', 'hit', profile(6)],
      ['app', 'stale-read', profile(6)],
      ['client', 'response', profile(6)],
    ])
    expect(data(stale.events, 'stale-read')).toMatchObject({ cached: 1, truth: 2 })
    // A hit, but a wrong one: the figures say so.
    expect(lab.figures('through')).toMatchObject({ nextReads: 1, nextReadHits: 1, nextReadsWrong: 1 })
    expect(lab.state().stats.find((s) => s.label === 'Hits right after a write-through')).toMatchObject({
      value: '1 of 1',
      hint: '1 of them stale; after a delete: —',
      warn: true,
    })
    const inspected = (await t.app.engine.inspect(lab.id)).keys.find((k) => k.key === profile(6))!
    expect([inspected.version, inspected.dbVersion]).toEqual([1, 2])
    expect(inspected.staleSince).not.toBeNull()

    await lab.c.waitFor({ kind: 'expired', key: profile(6), src: 'redis' }, { timeoutMs: 5000 })
    const healed = await lab.act('read', { userId: 6 })
    expect(briefs(healed.events)).toEqual(REBUILD(6))
    expect(data(healed.events, 'set')).toMatchObject({ version: 2 })
  })

  it('without a TTL the same failure stays until the next successful write replaces the value', async () => {
    const lab = await labRoom()
    await lab.act('setTtl', { seconds: null })
    await lab.act('read', { userId: 7 })
    expect(await redis.check.pttl(lab.full(profile(7)))).toBe(-1)
    await lab.act('fault', { target: 'cache-write' })
    await lab.act('writeThrough', { userId: 7 })
    const stale = await lab.act('read', { userId: 7 })
    expect(briefs(stale.events).map((b) => b[1])).toEqual(['request', 'hit', 'stale-read', 'response'])
    const fixed = await lab.act('writeThrough', { userId: 7 })
    expect(data(fixed.events, 'set')).toEqual({ ttlMs: null, version: 3 })
    const fresh = await lab.act('read', { userId: 7 })
    expect(briefs(fresh.events)).toEqual(HIT(7))
    expect(lab.state().stats.find((s) => s.label === 'TTL of new profiles')).toMatchObject({ value: 'none', warn: true })
  })

  it('a failed database write fails the request and leaves the cache as it was', async () => {
    const lab = await labRoom()
    await lab.act('read', { userId: 8 })
    await lab.act('fault', { target: 'db-write' })
    const write = await lab.act('writeThrough', { userId: 8 })
    expect(briefs(write.events)).toEqual([
      ['client', 'request', profile(8)],
      ['db', 'fault', null],
      ['db', 'db-error', 'user:8'],
      ['client', 'response', profile(8)],
    ])
    expect(data(write.events, 'response')).toMatchObject({ ok: false })
    expect(await lab.cached(8)).toMatchObject({ version: 1 })
    const read = await lab.act('read', { userId: 8 })
    expect(briefs(read.events)).toEqual(HIT(8))
    expect(lab.state().counts).toEqual({ cacheFailures: 0, failedDbWrites: 1, dirtyReads: 0 })
  })

  it('a write to a profile nobody reads before the next write is a wasted cache write', async () => {
    const lab = await labRoom()
    await lab.act('writeThrough', { userId: 9 })
    await lab.act('writeThrough', { userId: 9 })
    await lab.act('writeThrough', { userId: 9 })
    await lab.act('read', { userId: 9 })
    expect(lab.figures('through')).toMatchObject({ writes: 3, stored: 3, wasted: 2, readAfterStore: 1, unread: 0 })
  })

  it('setTtl is recorded and bounded; reset restores the default TTL and empties the figures', async () => {
    const lab = await labRoom()
    const set = await lab.act('setTtl', { seconds: 5 })
    expect(data(set.events, 'setting')).toEqual({ name: 'ttl', value: '5 s' })
    expect(lab.state().ttlSeconds).toBe(5)
    const fail = (params: Record<string, unknown>) =>
      t.app.engine.act(lab.id, { lab: 'write-through', action: 'setTtl', ...params }, 'you').then(
        () => undefined,
        (e: unknown) => (e instanceof LabError ? e.code : e),
      )
    expect(await fail({ seconds: 0 })).toBe('E_INVALID')
    expect(await fail({ seconds: WT_TTL.max + 1 })).toBe('E_INVALID')
    expect(await fail({ seconds: 1.5 })).toBe('E_INVALID')
    await lab.act('writeThrough', { userId: 10 })
    const reset = await lab.act('reset')
    expect(reset.result).toMatchObject({ deleted: 1, ttlSeconds: WT_TTL.default, lastWrite: null })
    expect(lab.state().comparison.every((f) => f.writes === 0)).toBe(true)
    expect(await lab.cached(10)).toBeNull()
  })
})
