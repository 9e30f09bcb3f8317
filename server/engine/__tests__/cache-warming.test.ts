/**
 * The cache-warming lab through the whole app, with the real Redis and each database adapter: cache-aside
 * reads of users and posts, a cold and a warmed run of the same seeded Zipf load (the warmed one hits more),
 * the startup warming in one pipeline, a scheduled refresh that picks up a post that starts trending, and
 * the schedule's timer stopped by its switch, by reset, by leaving the lab, by the room going away and by the
 * room's last browser leaving (a room never watched keeps it).
 */
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import type { LabEvent } from '../../../lib/events'
import { roomKeys } from '../../../lib/keys'
import { WARMING, warmingGauge, type RunResult, type WarmingLabState } from '../../../lib/labs/cache-warming'
import { useTestApp, type TestDatabase } from '../../test-support/app'
import { briefs, collect, ofKind } from '../../test-support/events'
import { sleep, waitUntil } from '../../test-support/env'
import { useRedis } from '../../test-support/redis'
import { openClient } from '../../test-support/socket'
import { LabError } from '../errors'
import { UNWATCHED_GRACE_MS } from '../labs/unwatched'

const redis = useRedis('check')
const LAB = 'cache-warming'

describe.each(['pglite', 'postgres'] as TestDatabase[])('cache-warming lab on %s', (database) => {
  const t = useTestApp({ database })

  async function labRoom() {
    const id = await t.room()
    const c = collect(t.app.engine.recorder, id)
    onTestFinished(() => c.stop())
    const act = async (action: string, params: Record<string, unknown> = {}, lab = LAB) => {
      const from = c.last
      const result = (await t.app.engine.act(id, { lab, action, ...params }, 'you')) as Record<string, unknown>
      await t.app.engine.recorder.flush(id)
      return { result, events: c.after(from) }
    }
    const fails = (action: string, params: Record<string, unknown> = {}) =>
      t.app.engine.act(id, { lab: LAB, action, ...params }, 'you').then(
        () => undefined,
        (e: unknown) => (e instanceof LabError ? { status: e.status, code: e.code } : e),
      )
    const state = () => t.app.engine.rooms.peek(id)!.labs.get(LAB)!.state() as WarmingLabState
    /** The refreshes that start in the next `ms`. */
    const quietFor = async (ms: number) => {
      const from = c.last
      await sleep(ms)
      await t.app.engine.recorder.flush(id)
      return refreshes(c.after(from))
    }
    onTestFinished(
      async () => void (await t.app.engine.act(id, { lab: LAB, action: 'schedule', on: false }, 'you').catch(() => {})),
    )
    return { id, c, act, fails, state, quietFor, full: roomKeys(id).full }
  }

  const refreshes = (events: LabEvent[]) => ofKind(events, 'request').filter((e) => e.data.action === 'refresh')

  it('a read of a post misses, caches the row with the TTL; the next read hits', async () => {
    const lab = await labRoom()
    const miss = await lab.act('read', { entity: 'post', id: 27 })
    expect(briefs(miss.events)).toEqual([
      ['client', 'request', 'post:27'],
      ['cache', 'miss', 'post:27'],
      ['db', 'query', 'post:27'],
      ['cache', 'set', 'post:27', 'app'],
      ['client', 'response', 'post:27'],
    ])
    expect(ofKind(miss.events, 'set')[0]!.data).toEqual({ ttlMs: WARMING.defaultTtlSeconds * 1000, version: 1 })
    const cached = JSON.parse((await redis.check.get(lab.full('post:27')))!) as Record<string, unknown>
    // Post 27 is the seed's most liked post: (27 × 37) mod 500 = 499.
    expect(cached).toMatchObject({ id: 27, likes: 499, version: 1 })
    const hit = await lab.act('read', { entity: 'post', id: 27 })
    expect(briefs(hit.events)).toEqual([
      ['client', 'request', 'post:27'],
      ['cache', 'hit', 'post:27'],
      ['client', 'response', 'post:27'],
    ])
  })

  it('the same seeded load hits more on a warmed cache than on a cold one', async () => {
    const lab = await labRoom()
    // Something cached before the cold run, to show the run really starts from an empty cache.
    await lab.act('read', { entity: 'user', id: 1 })
    const load = { rps: 100, seconds: 3, seed: 11 }
    const cold = await lab.act('run', { warm: false, ...load })
    const coldRun = cold.result as unknown as RunResult
    expect(ofKind(cold.events, 'del').map((e) => e.key)).toContain('user:1')
    expect(coldRun.warm).toBeUndefined()
    expect(coldRun.reads).toBe(300)
    // Every read of the cold run answered, from the cache or the database.
    expect(ofKind(cold.events, 'response').filter((e) => e.data.ok).length).toBe(300)

    const warm = await lab.act('run', { warm: true, ...load })
    const warmRun = warm.result as unknown as RunResult
    expect(warmRun.reads).toBe(300)
    // Warming: two queries (popular users, trending posts) and one pipeline of 10 + 25 SETs.
    const warmReq = ofKind(warm.events, 'request').find((e) => e.data.action === 'warm')!
    const warming = warm.events.filter((e) => e.req === warmReq.req)
    expect(ofKind(warming, 'query').map((e) => e.key)).toEqual(['user:*', 'post:*'])
    expect(ofKind(warming, 'command')).toHaveLength(1)
    expect(ofKind(warming, 'command')[0]!.data.cmd).toBe('PIPELINE SET PX')
    const warmedKeys = ofKind(warming, 'set').map((e) => e.key)
    expect(warmedKeys).toHaveLength(35)
    expect(warmedKeys.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `user:${i + 1}`))
    expect(warmedKeys).toContain('post:27')
    expect(warmRun.warm).toMatchObject({ keys: 35, users: 10, posts: 25 })
    expect(await redis.check.exists(lab.full('post:27'), lab.full('user:1'))).toBe(2)

    // The claim: same reads, more hits, fewer database reads, from the very first seconds.
    expect(warmRun.hits).toBeGreaterThan(coldRun.hits)
    expect(warmRun.dbReads).toBeLessThan(coldRun.dbReads)
    expect(warmRun.firstHitRatio!).toBeGreaterThan(coldRun.firstHitRatio!)
    expect(warmRun.perSecond[0]!.hits).toBeGreaterThan(coldRun.perSecond[0]!.hits)
    // The figures agree with the events they were counted from.
    const warmHits = ofKind(warm.events, 'hit').length
    expect(warmHits).toBe(warmRun.hits)
    // And each run recorded its first-seconds hit ratio as a gauge.
    const gauge = (events: LabEvent[], name: string) =>
      ofKind(events, 'gauge').find((e) => e.data.name === name)?.data.value
    expect(gauge(cold.events, warmingGauge.firstSeconds('cold'))).toBeCloseTo(coldRun.firstHitRatio! * 100, 0)
    expect(gauge(warm.events, warmingGauge.firstSeconds('warmed'))).toBeGreaterThan(
      gauge(cold.events, warmingGauge.firstSeconds('cold'))!,
    )
    expect(lab.state().runs.cold?.running).toBe(false)
    expect(lab.state().running).toBeNull()
  }, 30_000)

  it('with a slow database a cold start queries the same keys several times over; a warmed one never queries a warmed key', async () => {
    const lab = await labRoom()
    await lab.act('dbLatency', { ms: 100 })
    const load = { rps: 100, seconds: 2, seed: 3 }
    const cold = await lab.act('run', { warm: false, ...load })
    const warm = await lab.act('run', { warm: true, ...load })
    const reads = (events: LabEvent[]) => {
      const queried = ofKind(events, 'query').filter((e) => /^(user|post):\d+$/.test(e.key ?? ''))
      return { queries: queried.length, keys: new Set(queried.map((e) => e.key)) }
    }
    // Reads of a hot key keep arriving while its first miss is still at the database: each misses too.
    const c = reads(cold.events)
    expect(c.queries).toBeGreaterThan(c.keys.size)
    // The warmed keys were all there before the first read.
    const w = reads(warm.events)
    const warmed = new Set(
      ofKind(warm.events, 'set')
        .filter((e) => e.req === ofKind(warm.events, 'request').find((r) => r.data.action === 'warm')!.req)
        .map((e) => e.key),
    )
    expect(warmed.size).toBe(35)
    expect([...w.keys].filter((k) => warmed.has(k))).toEqual([])
    console.log(`cold: ${c.queries} queries for ${c.keys.size} keys; warmed: ${w.queries} for ${w.keys.size}`)
  }, 30_000)

  it('a run refuses to start while another runs, and its bounds are enforced', async () => {
    const lab = await labRoom()
    const first = lab.act('run', { warm: false, rps: 50, seconds: 2 })
    await sleep(50)
    expect(await lab.fails('run', { warm: true })).toEqual({ status: 409, code: 'E_BUSY' })
    await first
    expect(await lab.fails('run', { warm: true, rps: WARMING.maxRps + 1 })).toMatchObject({ status: 400 })
    expect(await lab.fails('run', { warm: true, seconds: WARMING.maxSeconds + 1 })).toMatchObject({ status: 400 })
    expect(await lab.fails('schedule', { on: true, intervalSeconds: 1 })).toMatchObject({ status: 400 })
    expect(await lab.fails('schedule', { on: true, intervalSeconds: WARMING.maxIntervalSeconds + 1 })).toMatchObject({
      status: 400,
    })
    expect(await lab.fails('schedule', { on: true, intervalSeconds: 2.5 })).toMatchObject({ status: 400 })
    expect(await lab.fails('setTopN', { n: WARMING.maxTopN + 1 })).toMatchObject({ status: 400 })
    expect(await lab.fails('read', { entity: 'user', id: 101 })).toMatchObject({ status: 400 })
  }, 20_000)

  it('a scheduled refresh picks up a post that starts trending', async () => {
    const lab = await labRoom()
    await lab.act('schedule', { on: true, intervalSeconds: 2 })
    expect(lab.state().schedule).toMatchObject({ on: true, intervalSeconds: 2 })
    expect(lab.state().schedule.nextRunAt).toBeGreaterThan(Date.now())
    const first = await lab.c.waitFor({ kind: 'request', data: { action: 'refresh' } }, { timeoutMs: 5000 })
    await lab.c.waitFor({ kind: 'response' }, { afterSeq: first.seq, timeoutMs: 5000 })
    expect(lab.state().trending.map((p) => p.id)).not.toContain(500)
    expect(await redis.check.exists(lab.full('post:500'))).toBe(0)

    // Post 500, the least liked, gets enough likes to top the list: in the database only.
    const boost = await lab.act('boost', { postId: 500 })
    expect(briefs(boost.events).filter(([lane]) => lane !== 'client')).toEqual([['db', 'update', 'post:500']])
    expect(lab.state().trending[0]).toMatchObject({ id: 500, likes: 599 })
    const set = await lab.c.waitFor(
      { kind: 'set', key: 'post:500' },
      { afterSeq: boost.events.at(-1)!.seq, timeoutMs: 5000 },
    )
    // It was the scheduled job that cached it, not a reader.
    const by = lab.c.events.find((e) => e.kind === 'request' && e.req === set.req)!
    expect(by).toMatchObject({ kind: 'request', data: { action: 'refresh', by: 'load' } })
    expect((by.data as { label: string }).label).toMatch(/^scheduled refresh #\d+$/)
    await t.app.engine.recorder.flush(lab.id)
    const run = lab.state().schedule.runs[0]!
    expect(run.added).toEqual([500])
    expect(run.dropped).toHaveLength(1)
    expect(lab.c.events.some((e) => e.kind === 'marker' && e.data.text.startsWith('Trending changed: post 500'))).toBe(
      true,
    )
    const cached = JSON.parse((await redis.check.get(lab.full('post:500')))!) as { likes: number; version: number }
    expect(cached).toMatchObject({ likes: 599, version: 2 })
    // Its first reader hits.
    const read = await lab.act('read', { entity: 'post', id: 500 })
    expect(ofKind(read.events, 'hit')).toHaveLength(1)
    expect(ofKind(read.events, 'stale-read')).toHaveLength(0)
  }, 20_000)

  it('between runs a changed trending post is stale; the next run replaces it', async () => {
    const lab = await labRoom()
    await lab.act('refresh')
    await lab.act('boost', { postId: 27, likes: 10 })
    const stale = await lab.act('read', { entity: 'post', id: 27 })
    expect(ofKind(stale.events, 'stale-read')[0]!.data).toMatchObject({ cached: 1, truth: 2 })
    await lab.act('refresh')
    const fresh = await lab.act('read', { entity: 'post', id: 27 })
    expect(ofKind(fresh.events, 'hit')[0]!.data.version).toBe(2)
    expect(ofKind(fresh.events, 'stale-read')).toHaveLength(0)
  })

  it('the schedule stops when switched off, on reset, when the room acts on another lab, and when the room goes', async () => {
    const lab = await labRoom()
    const { quietFor } = lab
    await lab.act('schedule', { on: true, intervalSeconds: 2 })
    await lab.act('schedule', { on: false })
    expect(lab.state().schedule).toMatchObject({ on: false, nextRunAt: null })
    expect(await quietFor(2600)).toEqual([])

    await lab.act('schedule', { on: true, intervalSeconds: 2 })
    await lab.act('reset')
    expect(lab.state().schedule.on).toBe(false)
    expect(await quietFor(2600)).toEqual([])

    await lab.act('schedule', { on: true, intervalSeconds: 2 })
    const left = await lab.act('read', { userId: 1 }, 'key-versioning')
    expect(ofKind(left.events, 'setting').map((e) => e.data)).toContainEqual({
      name: 'schedule',
      value: 'off (left the lab)',
    })
    expect(lab.state().schedule.on).toBe(false)
    expect(await quietFor(2600)).toEqual([])

    await lab.act('schedule', { on: true, intervalSeconds: 2 })
    const instance = t.app.engine.rooms.peek(lab.id)!.labs.get(LAB)!
    instance.stop()
    expect(await quietFor(2600)).toEqual([])
  }, 30_000)

  /**
   * Moves the monotonic clock (performance.now, which the viewer watch reads) `ms` ahead of real time, so the
   * grace period passes without the test waiting it out. Timers keep real time.
   */
  const clockAhead = (() => {
    const real = performance.now.bind(performance)
    return (ms: number) => {
      const clock = vi.spyOn(performance, 'now').mockImplementation(() => real() + ms)
      onTestFinished(() => clock.mockRestore())
    }
  })()
  /** Long enough for the watch to have looked at the viewer count at least once (it looks every second). */
  const A_LOOK_MS = 1200

  it('the schedule stops itself once the room has had no browser for the grace period; a reload within it does not stop it', async () => {
    const lab = await labRoom()
    const room = t.app.engine.rooms.peek(lab.id)!.room
    const browse = async () => {
      const browser = await openClient(t.url)
      expect((await browser.ask('room:join', { room: lab.id })).ok).toBe(true)
      return browser
    }
    const leave = async (browser: Awaited<ReturnType<typeof browse>>) => {
      browser.socket.disconnect()
      await waitUntil(() => room.viewers === 0, 'the server to see the browser go')
      await sleep(A_LOOK_MS)
    }

    // A learner's browser switches the schedule on, then goes.
    const first = await browse()
    expect(room.viewers).toBe(1)
    expect(
      await first.ask('action', { room: lab.id, lab: LAB, action: 'schedule', on: true, intervalSeconds: 2 }),
    ).toMatchObject({ ok: true })
    await leave(first)
    clockAhead(UNWATCHED_GRACE_MS - 5000)
    await sleep(A_LOOK_MS)
    expect(lab.state().schedule.on).toBe(true)

    // It comes back (a reload) before the grace period ends: the wait starts again when it goes. The clock is
    // now past the grace period since the first browser went, and well within it since the second did.
    const again = await browse()
    await sleep(A_LOOK_MS)
    await leave(again)
    clockAhead(UNWATCHED_GRACE_MS + 10_000)
    await sleep(A_LOOK_MS)
    expect(lab.state().schedule.on).toBe(true)
    expect((await lab.quietFor(2600)).length).toBeGreaterThan(0)

    // Nobody for the whole grace period: the schedule stops, says why, and runs no more.
    const from = lab.c.last
    clockAhead(3 * UNWATCHED_GRACE_MS)
    const stopped = await lab.c.waitFor(
      {
        kind: 'setting',
        data: { name: 'schedule', value: `off (nobody watching for ${UNWATCHED_GRACE_MS / 1000} s)` },
      },
      { afterSeq: from, timeoutMs: 3000 },
    )
    expect(stopped.lane).toBe('app')
    expect(lab.state().schedule).toMatchObject({ on: false, nextRunAt: null })
    expect(await lab.quietFor(2600)).toEqual([])
  }, 30_000)

  it('a room driven over the API alone, never watched, keeps its schedule past the grace period', async () => {
    const lab = await labRoom()
    await lab.act('schedule', { on: true, intervalSeconds: 2 })
    clockAhead(2 * UNWATCHED_GRACE_MS)
    await sleep(A_LOOK_MS)
    expect(lab.state().schedule.on).toBe(true)
    expect((await lab.quietFor(2600)).length).toBeGreaterThan(0)
    const schedule = ofKind(lab.c.events, 'setting').filter((e) => e.data.name === 'schedule')
    expect(schedule.map((e) => e.data.value)).toEqual(['every 2 s'])
  }, 20_000)
})
