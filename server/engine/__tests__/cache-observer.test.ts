/**
 * The cache observer and the expiry watch against a real Redis with keyspace notifications: what Redis
 * reports on a live room's keys becomes timeline events, whoever caused it; the engine's own commands are
 * recorded once, by the engine; everything outside live rooms is ignored.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import type { EventInput } from '../../../lib/events'
import { roomKeys } from '../../../lib/keys'
import { brief, type Brief } from '../../test-support/events'
import { randomRoomId, sleep, waitUntil } from '../../test-support/env'
import { claimRoom, connectRedis, useRedis } from '../../test-support/redis'
import { enableKeyspaceEvents, OBSERVER_FLAGS } from '../../redis/keyspace'
import { CacheObserver } from '../cache-observer'
import { ExpiryWatch } from '../expiry-watch'
import { RoomFaults } from '../faults'
import { RoomCache } from '../room-cache'

// Like the app: an auto-pipelined command connection, a subscriber, and a learner's redis-cli ("outside").
const redis = useRedis('sub', 'outside', 'listener')
const cmd = connectRedis('observer-cmd', { enableAutoPipelining: true, lazyConnect: true })

interface Seen {
  event: EventInput
  at: number
}

const live = new Set<string>()
const seen = new Map<string, Seen[]>()
let watch: ExpiryWatch
let observer: CacheObserver

beforeAll(async () => {
  await cmd.connect()
  const keyspace = await enableKeyspaceEvents(cmd)
  expect(keyspace).toMatchObject({ ok: true })
  watch = new ExpiryWatch(cmd)
  observer = new CacheObserver({
    sub: redis.sub,
    command: cmd,
    watch,
    isLive: (room) => live.has(room),
    record: (room, event) => {
      const list = seen.get(room) ?? []
      list.push({ event, at: Date.now() })
      seen.set(room, list)
    },
  })
  await observer.start()
})

afterAll(async () => {
  await observer?.stop()
  watch?.stop()
  await cmd.quit()
})

/** A live room for this test: its keys removed and its events forgotten when the test finishes. */
async function liveRoom() {
  const { id } = await claimRoom(redis.outside)
  live.add(id)
  seen.set(id, [])
  onTestFinished(() => {
    live.delete(id)
    seen.delete(id)
  })
  const keys = roomKeys(id)
  const cache = new RoomCache(
    {
      redis: cmd,
      observer,
      watch,
      faults: new RoomFaults(() => {}),
      full: keys.full,
      prefix: keys.prefix,
      record: (e) => seen.get(id)!.push({ event: e, at: Date.now() }),
    },
    { req: 'rtest' },
  )
  return {
    id,
    keys,
    cache,
    events: () => (seen.get(id) ?? []).map((s) => s.event),
    briefs: (): Brief[] => (seen.get(id) ?? []).map((s) => brief(s.event)),
    /** Waits until an event of `kind` on `key` was recorded; returns it with its arrival time. */
    waitFor: (kind: string, key: string, timeoutMs = 4000) =>
      waitUntil(
        () => seen.get(id)?.find((s) => s.event.kind === kind && s.event.key === key),
        `${kind} on ${key}`,
        timeoutMs,
        5,
      ),
  }
}

describe('keyspace notifications', () => {
  it('are switched on with every class the observer needs', async () => {
    const [, flags] = (await cmd.config('GET', 'notify-keyspace-events')) as [string, string]
    const have = new Set(flags.replace('A', 'g$lshztxed').split(''))
    for (const flag of OBSERVER_FLAGS) expect(have.has(flag), `flag ${flag} in "${flags}"`).toBe(true)
  })
})

describe('CacheObserver: changes from outside the app', () => {
  it('an outside SET … PX 300 is one set event with its value and TTL, then Redis expires it shortly after the deadline', async () => {
    const room = await liveRoom()
    const value = JSON.stringify({ id: 1, name: 'from redis-cli', version: 7 })
    const sentAt = Date.now()
    await redis.outside.set(room.keys.full('user:1'), value, 'PX', 300)
    const expired = await room.waitFor('expired', 'user:1', 3000)
    await sleep(50)
    expect(room.briefs()).toEqual([
      ['cache', 'set', 'user:1', 'outside'],
      ['cache', 'expired', 'user:1', 'redis'],
    ])
    const set = room.events()[0]
    expect(set).toMatchObject({ lane: 'cache', key: 'user:1', src: 'outside', data: { value, version: 7 } })
    const ttl = (set!.data as { ttlMs: number | null }).ttlMs
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(300)
    expect(expired.event).toMatchObject({ lane: 'cache', kind: 'expired', key: 'user:1', src: 'redis' })
    // Redis's own expiry: not before the deadline, and seen within a second of it.
    expect(expired.at).toBeGreaterThanOrEqual(sentAt + 300 - 5)
    expect(expired.at).toBeLessThan(sentAt + 300 + 1000)
    const lateMs = (expired.event.data as { lateMs?: number }).lateMs
    expect(lateMs).toBeGreaterThanOrEqual(0)
    expect(lateMs).toBeLessThan(1000)
  })

  // Regression guard (F2 in /tmp/test-findings.md, fixed in 81dd880): synchronous events (del, persist,
  // cache-op) used to overtake a SET or EXPIRE still waiting for its GET/PTTL lookup, so MULTI SET + DEL was
  // recorded as del-then-set (and SET … PX as expire-then-set, before it became one event).
  it('records the events of outside commands in the order Redis reported them', async () => {
    const room = await liveRoom()
    const v = JSON.stringify({ version: 1 })
    for (let i = 0; i < 5; i++) await redis.outside.set(room.keys.full(`px:${i}`), v, 'PX', 200)
    await redis.outside.multi().set(room.keys.full('gone'), v).del(room.keys.full('gone')).exec()
    for (let i = 0; i < 5; i++) await room.waitFor('expired', `px:${i}`, 3000)
    await room.waitFor('set', 'gone')
    const byKey = (key: string) =>
      room
        .briefs()
        .filter((b) => b[2] === key)
        .map((b) => b[1])
    const orders = [0, 1, 2, 3, 4].map((i) => byKey(`px:${i}`)).concat([byKey('gone')])
    expect(orders).toEqual([
      ['set', 'expired'],
      ['set', 'expired'],
      ['set', 'expired'],
      ['set', 'expired'],
      ['set', 'expired'],
      ['set', 'del'],
    ])
  })

  it('outside SET, EXPIRE, PERSIST, DEL and HSET become set, expire, persist, del and cache-op', async () => {
    const room = await liveRoom()
    const full = room.keys.full('config:currency')
    const watching = watch.watching
    await redis.outside.set(full, '"EUR"')
    await room.waitFor('set', 'config:currency')
    await redis.outside.expire(full, 100)
    await room.waitFor('expire', 'config:currency')
    expect(watch.watching).toBe(watching + 1)
    await redis.outside.persist(full)
    await room.waitFor('persist', 'config:currency')
    expect(watch.watching).toBe(watching)
    await redis.outside.del(full)
    await room.waitFor('del', 'config:currency')
    await redis.outside.hset(room.keys.full('profile:1'), 'name', 'Ada')
    await room.waitFor('cache-op', 'profile:1')
    expect(room.briefs()).toEqual([
      ['cache', 'set', 'config:currency', 'outside'],
      ['cache', 'expire', 'config:currency', 'outside'],
      ['cache', 'persist', 'config:currency', 'outside'],
      ['cache', 'del', 'config:currency', 'outside'],
      ['cache', 'cache-op', 'profile:1', 'outside'],
    ])
    const data = room.events().map((e) => e.data)
    expect(data[0]).toEqual({ ttlMs: null, value: '"EUR"' })
    expect((data[1] as { ttlMs: number }).ttlMs).toBeGreaterThan(99_000)
    expect((data[1] as { ttlMs: number }).ttlMs).toBeLessThanOrEqual(100_000)
    expect(data.slice(2)).toEqual([{}, { existed: true }, { op: 'hset' }])
  })

  it('shortens long values it shows', async () => {
    const room = await liveRoom()
    await redis.outside.set(room.keys.full('big'), 'x'.repeat(1000))
    const set = await room.waitFor('set', 'big')
    expect((set.event.data as { value: string }).value).toBe(`${'x'.repeat(200)}…`)
  })

  it('ignores keys of rooms this process does not serve, keys outside rooms, and internal keys', async () => {
    const room = await liveRoom()
    const other = await claimRoom(redis.outside) // a room, but not live here
    seen.set(other.id, [])
    const stray = [`lab:${randomRoomId('s')}`, `lab:UPPER${randomRoomId('u')}:user:1`, `notlab:${room.id}:user:1`]
    onTestFinished(async () => {
      seen.delete(other.id)
      await redis.outside.unlink(...stray)
    })
    await redis.outside.set(roomKeys(other.id).full('user:1'), '{"version":1}', 'PX', 100)
    await redis.outside.del(roomKeys(other.id).full('user:1'))
    for (const key of stray) await redis.outside.set(key, '1', 'PX', 100)
    await redis.outside.hset(room.keys.meta, 'touched', '1')
    await redis.outside.set(room.keys.events, 'not a stream', 'PX', 5000)
    // A sentinel recorded synchronously: everything Redis reported before it has been handled by now.
    await redis.outside.hset(room.keys.full('sentinel'), 'f', 'v')
    await room.waitFor('cache-op', 'sentinel')
    await sleep(50)
    expect(room.briefs()).toEqual([['cache', 'cache-op', 'sentinel', 'outside']])
    expect(seen.get(other.id)).toEqual([])
  })
})

describe("CacheObserver and RoomCache: the engine's own commands", () => {
  it('a SET with a TTL through RoomCache is recorded once, and its expiry by Redis once', async () => {
    const room = await liveRoom()
    await room.cache.set('user:1', { version: 3 }, 300)
    expect(await redis.outside.pttl(room.keys.full('user:1'))).toBeGreaterThan(0)
    await room.waitFor('expired', 'user:1', 3000)
    await sleep(150) // a duplicate would have arrived by now
    expect(room.briefs()).toEqual([
      ['cache', 'set', 'user:1', 'app'],
      ['cache', 'expired', 'user:1', 'redis'],
    ])
    expect(room.events()[0]).toMatchObject({ req: 'rtest', data: { ttlMs: 300, version: 3 } })
  })

  it('a SET without a TTL leaves the key with no TTL (PTTL -1)', async () => {
    const room = await liveRoom()
    await room.cache.set('user:2', { version: 1 }, null)
    expect(await redis.outside.pttl(room.keys.full('user:2'))).toBe(-1)
    await sleep(150)
    expect(room.briefs()).toEqual([['cache', 'set', 'user:2', 'app']])
    expect(room.events()[0]!.data).toEqual({ ttlMs: null, version: 1 })
  })

  it('GET reports a hit with the version, a miss for an absent key, and an unreadable value as a miss', async () => {
    const room = await liveRoom()
    await room.cache.set('user:3', { version: 5 }, 10_000)
    expect(await room.cache.get('user:3')).toEqual({ hit: true, value: { version: 5 } })
    expect(await room.cache.get('user:4')).toEqual({ hit: false })
    await redis.outside.set(room.keys.full('user:5'), 'not json')
    await room.waitFor('set', 'user:5')
    expect(await room.cache.get('user:5')).toEqual({ hit: false })
    await sleep(100)
    expect(room.briefs()).toEqual([
      ['cache', 'set', 'user:3', 'app'],
      ['cache', 'hit', 'user:3'],
      ['cache', 'miss', 'user:4'],
      ['cache', 'set', 'user:5', 'outside'],
      ['cache', 'miss', 'user:5'],
    ])
    const misses = room
      .events()
      .filter((e) => e.kind === 'miss')
      .map((e) => (e.data as { reason: string }).reason)
    expect(misses).toEqual(['absent', 'unreadable'])
  })

  it("DEL is recorded once, as the app's, saying whether the key existed", async () => {
    const room = await liveRoom()
    await room.cache.set('user:6', { version: 1 }, 10_000)
    expect(await room.cache.del('user:6')).toBe(true)
    expect(await room.cache.del('user:6')).toBe(false)
    await sleep(150)
    expect(room.briefs()).toEqual([
      ['cache', 'set', 'user:6', 'app'],
      ['cache', 'del', 'user:6', 'app'],
      ['cache', 'del', 'user:6', 'app'],
    ])
    expect(
      room
        .events()
        .slice(1)
        .map((e) => e.data),
    ).toEqual([{ existed: true }, { existed: false }])
  })

  it('expireNow hands the key to Redis, which expires it and says so; a missing key is left alone', async () => {
    const room = await liveRoom()
    await room.cache.set('user:7', { version: 1 }, null)
    expect(await room.cache.expireNow('user:7')).toBe(true)
    await room.waitFor('expired', 'user:7')
    expect(await room.cache.expireNow('user:8')).toBe(false)
    await sleep(150)
    expect(room.briefs()).toEqual([
      ['cache', 'set', 'user:7', 'app'],
      ['cache', 'expire', 'user:7', 'app'],
      ['cache', 'expired', 'user:7', 'redis'],
    ])
    expect(await redis.outside.exists(room.keys.full('user:7'))).toBe(0)
  })
})

describe('ExpiryWatch', () => {
  /** A key in a room that is not live here, so only this test's watch and listener look at it. */
  async function quietKey(): Promise<string> {
    const { id } = await claimRoom(redis.outside)
    return roomKeys(id).full('watched')
  }

  async function expiredAt(key: string): Promise<() => number | undefined> {
    let at: number | undefined
    const channel = `__keyspace@0__:${key}`
    const onMessage = (from: string, message: string) => {
      if (from === channel && message === 'expired') at = Date.now()
    }
    redis.listener.on('message', onMessage)
    await redis.listener.subscribe(channel)
    onTestFinished(async () => {
      redis.listener.off('message', onMessage)
      await redis.listener.unsubscribe(channel)
    })
    return () => at
  }

  it('looks at a key at its deadline, so Redis expires it then; it remembers the deadline for lateness', async () => {
    const w = new ExpiryWatch(cmd)
    onTestFinished(() => w.stop())
    const key = await quietKey()
    const arrived = await expiredAt(key)
    await redis.outside.set(key, '1', 'PX', 150)
    const deadline = Date.now() + 150
    w.schedule(key, deadline)
    expect(w.watching).toBe(1)
    const at = await waitUntil(arrived, 'expired notification', 3000, 5)
    expect(at).toBeGreaterThanOrEqual(deadline - 5)
    expect(at).toBeLessThan(deadline + 1000)
    await waitUntil(() => w.watching === 0, 'the watch to let go of the key', 1000, 5)
    // The deadline last known: ours, or a ms later if Redis, whose clock ticks apart, still had a ms to go.
    const remembered = w.takeDeadline(key)
    expect(remembered).toBeGreaterThanOrEqual(deadline)
    expect(remembered).toBeLessThan(deadline + 50)
    expect(w.takeDeadline(key)).toBeUndefined()
  })

  it('follows a key whose TTL was extended, and forgets a cancelled one', async () => {
    const w = new ExpiryWatch(cmd)
    onTestFinished(() => w.stop())
    const key = await quietKey()
    const arrived = await expiredAt(key)
    await redis.outside.set(key, '1', 'PX', 100)
    w.schedule(key, Date.now() + 100)
    await redis.outside.pexpire(key, 1500)
    const extendedTo = Date.now() + 1500
    await sleep(250)
    expect(arrived()).toBeUndefined()
    expect(w.watching).toBe(1) // looked at 100 ms, found it alive, watching again
    const at = await waitUntil(arrived, 'expired notification', 3000, 5)
    expect(at).toBeGreaterThanOrEqual(extendedTo - 5)

    const other = await quietKey()
    w.schedule(other, Date.now() + 60_000)
    expect(w.watching).toBe(1)
    w.cancel(other)
    expect(w.watching).toBe(0)
    w.schedule(`${other}:a`, Date.now() + 60_000)
    w.schedule(`${other}:b`, Date.now() + 60_000)
    w.cancelPrefix(other)
    expect(w.watching).toBe(0)
  })
})
