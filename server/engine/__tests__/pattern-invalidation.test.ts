/**
 * The pattern-invalidation lab through the whole app, with the real Redis and each database adapter: the
 * fill, the SCAN loop one call at a time, KEYS and its guard, the tag set, and what Redis holds after each.
 */
import { describe, expect, it } from 'vitest'
import { roomKeys, scratchKey } from '../../../lib/keys'
import { KEYS_BY_REDIS, PATTERN_LIMITS, SCAN_BY_REDIS, type PatternLabState } from '../../../lib/labs/pattern-invalidation'
import { useTestApp, type TestDatabase } from '../../test-support/app'
import { briefs, ofKind } from '../../test-support/events'
import { sleep } from '../../test-support/env'
import { openLabRoom } from '../../test-support/lab-room'
import { scanAll, useRedis } from '../../test-support/redis'
import { loadScript, runScript } from '../strategies/lua-script'

const UNLINK_TAGGED = loadScript('unlink-tagged.lua')

const redis = useRedis('check')

const USER_KEYS = 24 // profile, posts, friends, 20 feed pages, and the tag set
const userKeys = (id: number, pages = 20) => [
  `user:${id}:profile`,
  `user:${id}:posts`,
  `user:${id}:friends`,
  ...Array.from({ length: pages }, (_, i) => `user:${id}:feed:${i + 1}`),
  `user:${id}:keys`,
]

describe.each(['pglite', 'postgres'] as TestDatabase[])('pattern-invalidation lab on %s', (database) => {
  const t = useTestApp({ database })

  async function labRoom() {
    const lab = await openLabRoom<PatternLabState>(t, 'pattern-invalidation')
    /** How many of these room keys Redis holds. */
    const existing = (keys: string[]) => redis.check.exists(...keys.map(lab.full))
    return { ...lab, existing }
  }

  it("a fill writes the user's keys from SQL, each shown, and thousands of others in pipelined batches", async () => {
    const lab = await labRoom()
    const { result, events } = await lab.act('fill', { userId: 7, others: 5000 })
    expect(result).toMatchObject({ ok: true, userKeys: USER_KEYS })
    expect(result.keys).toBeGreaterThan(4900)
    expect(result.keys).toBeLessThan(5200)
    // Two queries read the rows; one event per pipelined round trip; the user's keys one by one.
    expect(ofKind(events, 'query').map((e) => e.key)).toEqual(['users', 'posts'])
    const pipelines = ofKind(events, 'command').filter((e) => e.data.cmd === 'PIPELINE')
    expect(pipelines.length).toBe(Math.ceil((result.keys as number) / 1000))
    expect(
      ofKind(events, 'set')
        .map((e) => e.key)
        .sort(),
    ).toEqual(userKeys(7).slice(0, -1).sort())
    expect(ofKind(events, 'cache-op').map((e) => [e.key, e.data.op])).toEqual([['user:7:keys', 'sadd']])
    // Redis holds them, with the hour's TTL; the values are the rows.
    expect(await lab.existing(userKeys(7))).toBe(USER_KEYS)
    expect(await lab.existing(userKeys(8, 1).slice(0, 3))).toBe(3)
    const pttl = await redis.check.pttl(lab.full('user:7:feed:3'))
    expect(pttl).toBeGreaterThan(3_590_000)
    const profile = JSON.parse((await redis.check.get(lab.full('user:7:profile')))!) as {
      id: number
      version: number
      email: string
    }
    expect(profile).toMatchObject({ id: 7, version: 1, email: 'user7@example.com' })
    const posts = JSON.parse((await redis.check.get(lab.full('user:7:posts')))!) as { items: { id: number }[] }
    expect(posts.items.map((p) => p.id)).toEqual([7, 107, 207, 307, 407])
    expect((await redis.check.smembers(lab.full('user:7:keys'))).sort()).toEqual(userKeys(7).slice(0, -1).sort())
    expect(lab.state().fill).toMatchObject({ userId: 7, others: 5000, userKeys: USER_KEYS })
    await sleep(100)
    expect(lab.c.events.filter((e) => e.src === 'outside')).toEqual([])
  })

  it("the SCAN loop, one call at a time with COUNT 10, deletes exactly the user's keys across many round trips", async () => {
    const lab = await labRoom()
    await lab.act('fill', { userId: 3, others: 2000 })
    await lab.act('setCount', { count: 10 })
    const first = await lab.act('scanStep')
    // The loop starts (a setting), then one call: the request, the SCAN (with how many keys it looked at),
    // the other client's PING, any deletes.
    const kinds = briefs(first.events).map(([lane, kind]) => `${lane}:${kind}`)
    expect(kinds.slice(0, 4)).toEqual(['app:setting', 'client:request', 'cache:scan', 'cache:probe'])
    expect(kinds.at(-1)).toBe('client:response')
    expect(kinds.slice(4, -1).every((k) => k === 'cache:del')).toBe(true)
    const scan = ofKind(first.events, 'scan')[0]!
    expect(scan.data).toMatchObject({ cursor: '0', count: 10, match: 'user:3:*', duplicates: 0 })
    expect(scan.data.next).not.toBe('0')
    expect(scan.data.examined).toBeGreaterThanOrEqual(5)
    expect(lab.state().scan).toMatchObject({ calls: 1, cursor: scan.data.next, done: false, match: 'user:3:*' })

    // The next call starts from the cursor the last one handed back.
    const second = await lab.act('scanStep')
    expect(ofKind(second.events, 'scan')[0]!.data.cursor).toBe(scan.data.next)

    const run = await lab.act('scanRun')
    expect(run.result).toMatchObject({ done: true, cursor: '0' })
    // The loop ends with how long a SCAN call held Redis, by Redis's own count.
    const byRedis = ofKind(run.events, 'probe').filter((e) => e.data.during === SCAN_BY_REDIS)
    expect(byRedis).toHaveLength(1)
    expect(byRedis[0]!.data.ms).toBeGreaterThanOrEqual(0)
    const calls = lab.state().scan!.calls
    expect(calls).toBeGreaterThan(50) // over 2,000 keys, 10 at a time
    const scans = ofKind(lab.c.events, 'scan')
    expect(scans.at(-1)!.data.next).toBe('0')
    for (let i = 1; i < scans.length; i++) expect(scans[i]!.data.cursor).toBe(scans[i - 1]!.data.next)
    const deleted = ofKind(lab.c.events, 'del').map((e) => e.key!)
    expect(deleted.sort()).toEqual(userKeys(3).sort())
    expect(await lab.existing(userKeys(3))).toBe(0)
    // Nothing else was touched: the neighbours' keys are all there.
    expect(await lab.existing([...userKeys(2, 1), ...userKeys(30, 1), 'post:1', 'post:500'])).toBe(12)
    expect(lab.state().results.scan).toMatchObject({ userId: 3, deleted: USER_KEYS })
    expect(lab.state().results.scan!.roundTrips).toBeGreaterThan(calls)
    expect(lab.state().stats.find((s) => s.label === 'SCAN calls')!.value).toBe(calls)
  })

  it('collect mode gathers the keys in a Set and unlinks each once when the cursor is back at 0', async () => {
    const lab = await labRoom()
    await lab.act('fill', { userId: 4, others: 2000 })
    await lab.act('scanStart', { userId: 4, mode: 'collect' })
    await lab.act('setCount', { count: 1000 })
    const first = await lab.act('scanStep')
    expect(ofKind(first.events, 'del')).toEqual([])
    await lab.act('scanRun')
    const loop = lab.state().scan!
    expect(loop).toMatchObject({ mode: 'collect', done: true, unique: USER_KEYS, deleted: USER_KEYS })
    expect(loop.returned).toBe(loop.unique + loop.duplicates)
    expect(
      ofKind(lab.c.events, 'del')
        .map((e) => e.key)
        .sort(),
    ).toEqual(userKeys(4).sort())
    expect(await lab.existing(userKeys(4))).toBe(0)
  })

  it('sscan mode walks the tag set with SSCAN, growing and shrinking it between calls, and deletes every key once', async () => {
    const lab = await labRoom()
    await lab.act('fill', { userId: 8, others: 2000, pages: 99 })
    await lab.act('setCount', { count: 10 })
    await lab.act('scanStart', { userId: 8, mode: 'sscan' })
    const run = await lab.act('scanRun')
    const loop = lab.state().scan!
    expect(loop).toMatchObject({ set: 'user:8:keys', mode: 'sscan', done: true, unique: 102, deleted: 103 })
    expect(loop.returned).toBe(102 + loop.duplicates)
    expect(loop.resizes).toBeGreaterThan(2)
    // Every call was an SSCAN of the tag set; the set grew (SADD) before every other call and shrank (SREM) after.
    const scans = ofKind(run.events, 'scan')
    expect(scans.every((e) => e.key === 'user:8:keys' && e.data.match === 'user:8:*')).toBe(true)
    const commands = ofKind(run.events, 'command').map((e) => e.data.cmd)
    expect(commands.filter((c) => c === 'SADD')).toHaveLength(loop.resizes)
    expect(commands.filter((c) => c === 'SREM')).toHaveLength(loop.resizes)
    // The temporary members never matched, so only the user's keys (and the set) were deleted.
    expect(
      ofKind(run.events, 'del')
        .map((e) => e.key)
        .sort(),
    ).toEqual([...userKeys(8, 99)].sort())
    expect(await lab.existing(userKeys(8, 99))).toBe(0)
    expect(await lab.existing(userKeys(9, 1))).toBe(5)
    await sleep(100)
    expect(lab.c.events.filter((e) => e.src === 'outside')).toEqual([])
  })

  it('a step after the loop ended starts a new loop at cursor 0', async () => {
    const lab = await labRoom()
    await lab.act('fill', { userId: 5, others: 0 })
    await lab.act('setCount', { count: 1000 })
    await lab.act('scanRun')
    expect(lab.state().scan!.done).toBe(true)
    const again = await lab.act('scanStep')
    expect(ofKind(again.events, 'scan')[0]!.data.cursor).toBe('0')
    expect(ofKind(again.events, 'setting')[0]!.data).toEqual({ name: 'scan loop', value: 'user:5:*, delete' })
  })

  it('the tag set invalidates the same keys in two round trips, atomically, and leaves everything else', async () => {
    const lab = await labRoom()
    await lab.act('fill', { userId: 9, others: 2000 })
    const { result, events } = await lab.act('tag', { userId: 9 })
    expect(result).toMatchObject({
      ok: true,
      registered: USER_KEYS - 1,
      deleted: USER_KEYS,
      remaining: 0,
      roundTrips: 2,
    })
    expect(briefs(events).slice(0, 3)).toEqual([
      ['client', 'request', 'user:9:keys'],
      ['cache', 'command', 'user:9:keys'],
      ['cache', 'command', 'user:9:keys'],
    ])
    expect(ofKind(events, 'command').map((e) => e.data.cmd)).toEqual(['SMEMBERS', 'EVALSHA'])
    expect(
      ofKind(events, 'del')
        .map((e) => e.key)
        .sort(),
    ).toEqual(userKeys(9).sort())
    expect(ofKind(events, 'probe')[0]!.data.during).toBe('tag set')
    expect(await lab.existing(userKeys(9))).toBe(0)
    expect(await lab.existing([...userKeys(8, 1), ...userKeys(10, 1)])).toBe(10)
    // A second invalidation finds an empty tag set: one round trip, nothing deleted.
    const again = await lab.act('tag', { userId: 9 })
    expect(again.result).toMatchObject({ registered: 0, deleted: 0, roundTrips: 1 })
    await sleep(100)
    expect(lab.c.events.filter((e) => e.src === 'outside')).toEqual([])
  })

  it('the script removes only the members it was given: a key registered after SMEMBERS stays, still registered', async () => {
    const lab = await labRoom()
    const tag = lab.full('user:11:keys')
    await redis.check.sadd(tag, 'user:11:a', 'user:11:b', 'user:11:late')
    await redis.check.mset(lab.full('user:11:a'), '{}', lab.full('user:11:late'), '{}')
    // As if SMEMBERS had returned a and b (b already gone), and `late` was registered right after.
    const reply = await runScript<number[]>(
      redis.check,
      UNLINK_TAGGED,
      [tag, lab.full('user:11:a'), lab.full('user:11:b')],
      ['user:11:a', 'user:11:b'],
    )
    expect(reply).toEqual([1, 1, 0])
    expect(await redis.check.smembers(tag)).toEqual(['user:11:late'])
    expect(await lab.existing(['user:11:a', 'user:11:late'])).toBe(1)
    // Given the last member, it empties the set, and Redis removes the set itself.
    expect(
      await runScript<number[]>(redis.check, UNLINK_TAGGED, [tag, lab.full('user:11:late')], ['user:11:late']),
    ).toEqual([0, 1])
    expect(await redis.check.exists(tag)).toBe(0)
  })

  it('KEYS finds and deletes the same keys, timing another client meanwhile', async () => {
    const lab = await labRoom()
    await lab.act('fill', { userId: 6, others: 2000 })
    const { result, events } = await lab.act('keys', { userId: 6 })
    expect(result).toMatchObject({ ok: true, matched: USER_KEYS, deleted: USER_KEYS, roundTrips: 2 })
    expect(ofKind(events, 'command').map((e) => e.data.cmd)).toEqual(['DBSIZE', 'KEYS'])
    // The other client's PING, then (unless another client ran KEYS at the same moment, which would make
    // Redis's count ambiguous) how long the call held Redis by its own count.
    const during = ofKind(events, 'probe').map((e) => e.data.during)
    expect(during[0]).toBe('KEYS')
    expect(during.slice(1).filter((d) => d !== KEYS_BY_REDIS)).toEqual([])
    expect(
      ofKind(events, 'del')
        .map((e) => e.key)
        .sort(),
    ).toEqual(userKeys(6).sort())
    expect(await lab.existing(userKeys(6))).toBe(0)
    expect(await lab.existing(userKeys(5, 1))).toBe(5)
    expect(lab.state().results.keys).toMatchObject({ userId: 6, deleted: USER_KEYS, roundTrips: 2 })
  })

  it('KEYS is refused above the size limit, and more than once per cooldown in a room', async () => {
    const lab = await labRoom()
    await lab.act('fill', { userId: 2, others: 0 })
    const limit = PATTERN_LIMITS.keysMaxDbsize
    const size = await redis.check.dbsize()
    PATTERN_LIMITS.keysMaxDbsize = Math.max(1, size - 200)
    try {
      const refused = await lab.fails('keys', { userId: 2 })
      expect(refused).toMatchObject({ status: 429, code: 'E_LIMIT' })
      expect((refused as { message: string }).message).toMatch(
        /^KEYS refused: this Redis holds [\d,]+ keys, more than the lab's limit/,
      )
    } finally {
      PATTERN_LIMITS.keysMaxDbsize = limit
    }
    // Nothing was deleted, and the refusal is on the timeline as the request's failed response.
    expect(await lab.existing(userKeys(2))).toBe(USER_KEYS)
    const response = ofKind(lab.c.events, 'response').at(-1)!
    expect(response.data).toMatchObject({ ok: false })
    expect(response.data.error).toMatch(/KEYS refused/)
    expect(lab.state().results.keys?.note).toMatch(/KEYS refused/)
    // Below the limit it runs, once; a second KEYS within the cooldown is refused.
    await lab.act('keys', { userId: 2 })
    expect(await lab.fails('keys', { userId: 2 })).toMatchObject({
      status: 429,
      code: 'E_LIMIT',
      message: expect.stringMatching(/once every 5 s per room/),
    })
  })

  it('read caches the profile and registers it; update makes it stale; the tag set invalidates it; the next read is fresh', async () => {
    const lab = await labRoom()
    const miss = await lab.act('read', { userId: 1 })
    expect(briefs(miss.events)).toEqual([
      ['client', 'request', 'user:1:profile'],
      ['cache', 'miss', 'user:1:profile'],
      ['db', 'query', 'user:1'],
      ['cache', 'command', 'user:1:profile'],
      ['cache', 'set', 'user:1:profile', 'app'],
      ['cache', 'cache-op', 'user:1:keys', 'app'],
      ['client', 'response', 'user:1:profile'],
    ])
    expect(await redis.check.smembers(lab.full('user:1:keys'))).toEqual(['user:1:profile'])
    await lab.act('update', { userId: 1 })
    const stale = await lab.act('read', { userId: 1 })
    expect(ofKind(stale.events, 'stale-read')[0]!.data).toMatchObject({ cached: 1, truth: 2 })
    const inspect = await t.app.engine.inspect(lab.id)
    expect(inspect.keys.find((k) => k.key === 'user:1:profile')).toMatchObject({ version: 1, dbVersion: 2 })
    await lab.act('tag', { userId: 1 })
    const fresh = await lab.act('read', { userId: 1 })
    expect(ofKind(fresh.events, 'miss')).toHaveLength(1)
    expect(fresh.result).toMatchObject({ from: 'db', version: 2 })
    await sleep(100)
    expect(lab.c.events.filter((e) => e.src === 'outside')).toEqual([])
  })

  it('a failed cache write during the tag invalidation deletes nothing and fails the request', async () => {
    const lab = await labRoom()
    await lab.act('fill', { userId: 14, others: 0 })
    await lab.act('fault', { target: 'cache-write' })
    const failed = await lab.fails('tag', { userId: 14 })
    expect(failed).toMatchObject({ code: 'E_CACHE_UNAVAILABLE' })
    expect(ofKind(lab.c.events, 'cache-error')[0]!.data.op).toBe('evalsha')
    expect(await lab.existing(userKeys(14))).toBe(USER_KEYS)
    await sleep(100)
    expect(lab.c.events.filter((e) => e.src === 'outside')).toEqual([])
  })

  it('reset removes the fill with one event per thousand keys and restores the defaults', async () => {
    const lab = await labRoom()
    await lab.act('fill', { userId: 2, others: 2000 })
    await lab.act('setCount', { count: 10 })
    await lab.act('scanStep')
    const reset = await lab.act('reset')
    expect(reset.result).toMatchObject({ count: 100, mode: 'delete', fill: null, scan: null })
    expect(ofKind(reset.events, 'del')).toEqual([])
    expect(ofKind(reset.events, 'command').map((e) => e.data.cmd)).toEqual(['SCAN', 'UNLINK', 'UNLINK', 'UNLINK'])
    const left = await scanAll(redis.check, roomKeys(lab.id).pattern)
    expect(left.sort()).toEqual([roomKeys(lab.id).events, roomKeys(lab.id).meta, roomKeys(lab.id).owner].sort())
    await sleep(100)
    expect(lab.c.events.filter((e) => e.src === 'outside')).toEqual([])
  })

  it('rejects fills, counts and users outside the limits', async () => {
    const lab = await labRoom()
    expect(await lab.fails('fill', { userId: 1, others: 3000 })).toMatchObject({ status: 400, code: 'E_INVALID' })
    expect(await lab.fails('fill', { userId: 1, others: 2000, pages: 100 })).toMatchObject({ status: 400 })
    expect(await lab.fails('setCount', { count: 0 })).toMatchObject({ status: 400 })
    expect(await lab.fails('setCount', { count: 1001 })).toMatchObject({ status: 400 })
    expect(await lab.fails('scanStart', { userId: 1, mode: 'fast' })).toMatchObject({ status: 400 })
    expect(await lab.fails('bulk', { keys: 5 })).toMatchObject({ status: 400 })
    expect(await lab.fails('keys', { userId: 101 })).toMatchObject({ status: 400 })
  })
})

describe('pattern-invalidation lab: keys outside the room', () => {
  const t = useTestApp({ database: 'pglite' })

  it("other apps' keys are added outside the room with a TTL, counted, and removed on request and on reset", async () => {
    const id = await t.room()
    const act = (action: string, params: Record<string, unknown> = {}) =>
      t.app.engine.act(id, { lab: 'pattern-invalidation', action, ...params }, 'you') as Promise<
        Record<string, unknown>
      >
    const before = await redis.check.dbsize()
    await act('bulk', { keys: PATTERN_LIMITS.bulkKeys })
    expect(await redis.check.exists(scratchKey.bulk(id, 0), scratchKey.bulk(id, PATTERN_LIMITS.bulkKeys - 1))).toBe(2)
    const ttl = await redis.check.ttl(scratchKey.bulk(id, 500))
    expect(ttl).toBeGreaterThan(PATTERN_LIMITS.bulkTtlSeconds - 10)
    expect(await redis.check.dbsize()).toBeGreaterThanOrEqual(before + PATTERN_LIMITS.bulkKeys - 1000)
    await act('bulk', { keys: 0 })
    expect(await redis.check.exists(scratchKey.bulk(id, 0), scratchKey.bulk(id, 99_999))).toBe(0)
    await act('bulk', { keys: PATTERN_LIMITS.bulkKeys })
    await act('reset')
    expect(await redis.check.exists(scratchKey.bulk(id, 0), scratchKey.bulk(id, 99_999))).toBe(0)
  }, 30_000)
})
