/**
 * The key-versioning lab through the whole app, with the real Redis and each database adapter: versioned
 * reads and fills, a bump that makes reads miss while the old keys keep their TTLs, an old generation
 * without a TTL that stays, the sweep, and the memory figures sampled into gauge events.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import type { LabEvent } from '../../../lib/events'
import type { VersioningLabState } from '../../../lib/labs/key-versioning'
import { useTestApp, type TestDatabase } from '../../test-support/app'
import { briefs, ofKind } from '../../test-support/events'
import { sleep, waitUntil } from '../../test-support/env'
import { openLabRoom } from '../../test-support/lab-room'
import { useRedis } from '../../test-support/redis'

const redis = useRedis('check')

describe.each(['pglite', 'postgres'] as TestDatabase[])('key-versioning lab on %s', (database) => {
  const t = useTestApp({ database })

  async function labRoom() {
    const lab = await openLabRoom<VersioningLabState>(t, 'key-versioning')
    onTestFinished(
      async () =>
        void (await t.app.engine.act(lab.id, { lab: 'key-versioning', action: 'load', rps: 0 }, 'you').catch(() => {})),
    )
    return lab
  }

  /** The request's own events: the memory sampler's gauges interleave with them. */
  const requestOnly = (events: LabEvent[]) => events.filter((e) => e.kind !== 'gauge')
  const gauges = (events: LabEvent[], name: string) =>
    ofKind(events, 'gauge')
      .filter((e) => e.data.name === name)
      .map((e) => e.data.value)

  it('a read misses, caches the user and their posts under v1 with the TTL; the next read hits', async () => {
    const lab = await labRoom()
    const miss = await lab.act('read', { userId: 4 })
    expect(briefs(requestOnly(miss.events))).toEqual([
      ['client', 'request', 'v1:user:4'],
      ['cache', 'miss', 'v1:user:4'],
      ['db', 'query', 'v1:user:4'],
      ['cache', 'set', 'v1:user:4', 'app'],
      ['client', 'response', 'v1:user:4'],
    ])
    expect(ofKind(miss.events, 'set')[0]!.data).toEqual({ ttlMs: 20_000, version: 1 })
    const cached = JSON.parse((await redis.check.get(lab.full('v1:user:4')))!) as {
      id: number
      version: number
      posts: { id: number }[]
    }
    expect(cached).toMatchObject({ id: 4, version: 1, email: 'user4@example.com' })
    expect(cached.posts.map((p) => p.id)).toEqual([4, 104, 204, 304, 404])
    const hit = await lab.act('read', { userId: 4 })
    expect(briefs(requestOnly(hit.events))).toEqual([
      ['client', 'request', 'v1:user:4'],
      ['cache', 'hit', 'v1:user:4'],
      ['client', 'response', 'v1:user:4'],
    ])
  })

  it('fill caches users 1..n under the current version with one query and a SET each', async () => {
    const lab = await labRoom()
    const { result, events } = await lab.act('fill', { users: 12 })
    expect(result).toMatchObject({ ok: true, cached: 12 })
    expect(ofKind(events, 'query')).toHaveLength(1)
    expect(ofKind(events, 'query')[0]!.data.rows).toBe(12)
    expect(
      ofKind(events, 'set')
        .map((e) => e.key)
        .sort(),
    ).toEqual(Array.from({ length: 12 }, (_, i) => `v1:user:${i + 1}`).sort())
    expect(await redis.check.exists(...Array.from({ length: 12 }, (_, i) => lab.full(`v1:user:${i + 1}`)))).toBe(12)
    expect(await redis.check.exists(lab.full('v1:user:13'))).toBe(0)
  })

  it('a bump makes reads miss and refill under v2, and leaves the v1 keys alone with their TTLs', async () => {
    const lab = await labRoom()
    await lab.act('fill', { users: 3 })
    const ttlBefore = await redis.check.pttl(lab.full('v1:user:1'))
    const bump = await lab.act('bump')
    expect(bump.result).toMatchObject({ version: 2 })
    expect(ofKind(bump.events, 'setting')[0]!.data).toEqual({ name: 'version', value: 'v2' })
    // Nothing is deleted and no key is touched by the bump.
    expect(bump.events.filter((e) => e.lane === 'cache' && e.kind !== 'gauge')).toEqual([])
    const read = await lab.act('read', { userId: 1 })
    expect(briefs(requestOnly(read.events))).toEqual([
      ['client', 'request', 'v2:user:1'],
      ['cache', 'miss', 'v2:user:1'],
      ['db', 'query', 'v2:user:1'],
      ['cache', 'set', 'v2:user:1', 'app'],
      ['client', 'response', 'v2:user:1'],
    ])
    const ttlAfter = await redis.check.pttl(lab.full('v1:user:1'))
    expect(ttlAfter).toBeGreaterThan(0)
    expect(ttlAfter).toBeLessThanOrEqual(ttlBefore)
    expect(await redis.check.exists(lab.full('v1:user:1'), lab.full('v1:user:2'), lab.full('v1:user:3'))).toBe(3)
  })

  it('the old generation expires through its TTLs, and its measured memory falls to zero', async () => {
    const lab = await labRoom()
    await lab.act('setTtl', { seconds: 2 })
    await lab.act('fill', { users: 3 })
    await lab.act('bump')
    await lab.act('measure')
    for (const id of [1, 2, 3])
      await lab.c.waitFor({ kind: 'expired', key: `v1:user:${id}`, src: 'redis' }, { timeoutMs: 5000 })
    await lab.c.waitFor({ kind: 'gauge', data: { name: 'v1 keys', value: 0 } }, { timeoutMs: 5000 })
    const memory = gauges(lab.c.events, 'v1 memory')
    expect(memory[0]).toBeGreaterThan(3 * 200)
    expect(memory.at(-1)).toBe(0)
    expect(lab.state().generations.find((g) => g.version === 1)).toMatchObject({ keys: 0, bytes: 0 })
    expect(ofKind(lab.c.events, 'del')).toEqual([])
  })

  it('without a TTL the old generation stays, holding its memory, until a sweep deletes it', async () => {
    const lab = await labRoom()
    await lab.act('setTtl', { seconds: null })
    await lab.act('fill', { users: 5 })
    await lab.act('bump')
    await lab.act('read', { userId: 1 })
    await sleep(1500)
    expect(await redis.check.pttl(lab.full('v1:user:5'))).toBe(-1)
    const measured = await lab.act('measure')
    const v1 = lab.state().generations.find((g) => g.version === 1)!
    expect(v1).toMatchObject({ keys: 5, noTtl: 5, maxTtlMs: null })
    // The figure is Redis's own: MEMORY USAGE of each key, summed.
    let sum = 0
    for (let id = 1; id <= 5; id++)
      sum += (await redis.check.memory('USAGE', lab.full(`v1:user:${id}`), 'SAMPLES', '0')) as number
    expect(v1.bytes).toBe(sum)
    expect(gauges(measured.events, 'v1 memory')).toEqual([sum])
    expect(gauges(measured.events, 'v1 keys')).toEqual([5])
    expect(gauges(measured.events, 'used_memory')[0]).toBeGreaterThan(sum)
    expect(lab.state().stats.find((s) => s.label === 'Keys in old generations')).toMatchObject({ value: 5, warn: true })

    const sweep = await lab.act('sweep', { version: 1 })
    expect(sweep.result).toMatchObject({ swept: [{ version: 1, deleted: 5 }] })
    expect(ofKind(sweep.events, 'scan').at(-1)!.data).toMatchObject({ match: 'v1:*', next: '0' })
    expect(
      ofKind(sweep.events, 'del')
        .map((e) => e.key)
        .sort(),
    ).toEqual(['v1:user:1', 'v1:user:2', 'v1:user:3', 'v1:user:4', 'v1:user:5'])
    // The current generation is untouched.
    expect(await redis.check.exists(lab.full('v2:user:1'))).toBe(1)
    expect(lab.state().generations.find((g) => g.version === 1)).toMatchObject({ keys: 0, bytes: 0 })
  })

  it('sweep without a version deletes every old generation that holds keys, never the current one', async () => {
    const lab = await labRoom()
    await lab.act('setTtl', { seconds: null })
    await lab.act('fill', { users: 2 })
    await lab.act('bump')
    await lab.act('fill', { users: 2 })
    await lab.act('bump')
    await lab.act('fill', { users: 2 })
    await lab.act('measure')
    const { result } = await lab.act('sweep')
    expect(result).toMatchObject({
      swept: [
        { version: 1, deleted: 2 },
        { version: 2, deleted: 2 },
      ],
    })
    expect(await redis.check.exists(lab.full('v1:user:1'), lab.full('v2:user:2'))).toBe(0)
    expect(await redis.check.exists(lab.full('v3:user:1'), lab.full('v3:user:2'))).toBe(2)
  })

  it('a bump also ends staleness: after an update the old generation is stale, the new one fresh', async () => {
    const lab = await labRoom()
    await lab.act('read', { userId: 2 })
    await lab.act('update', { userId: 2 })
    const stale = await lab.act('read', { userId: 2 })
    expect(ofKind(stale.events, 'stale-read')[0]!.data).toMatchObject({ cached: 1, truth: 2 })
    await lab.act('bump')
    const fresh = await lab.act('read', { userId: 2 })
    expect(fresh.result).toMatchObject({ from: 'db', version: 2 })
    expect(ofKind(fresh.events, 'stale-read')).toEqual([])
  })

  it('the read load reads the current version, and follows a bump at once', async () => {
    const lab = await labRoom()
    await lab.act('load', { rps: 20, users: 3 })
    const byLoad = () => ofKind(lab.c.events, 'request').filter((e) => e.data.by === 'load')
    await waitUntil(() => byLoad().length >= 5, 'five reads from the load')
    expect(new Set(byLoad().map((e) => e.key!.split(':')[0]))).toEqual(new Set(['v1']))
    await lab.act('bump')
    const after = lab.c.last
    await waitUntil(() => lab.c.after(after).filter((e) => e.kind === 'request').length >= 5, 'five more reads')
    const keys = lab.c
      .after(after)
      .filter((e) => e.kind === 'request')
      .map((e) => e.key!)
    expect(keys.every((k) => k.startsWith('v2:user:'))).toBe(true)
    await lab.act('load', { rps: 0 })
    expect(lab.state().load.rps).toBe(0)
  })

  it('reset stops the load and restores version 1 and the default TTL', async () => {
    const lab = await labRoom()
    await lab.act('setTtl', { seconds: 60 })
    await lab.act('fill', { users: 2 })
    await lab.act('bump')
    await lab.act('load', { rps: 5 })
    const reset = await lab.act('reset')
    expect(reset.result).toMatchObject({ version: 1, ttlSeconds: 20, load: { rps: 0 }, generations: [] })
    expect(await redis.check.exists(lab.full('v1:user:1'))).toBe(0)
    const count = ofKind(lab.c.events, 'request').length
    await sleep(400)
    expect(ofKind(lab.c.events, 'request')).toHaveLength(count)
  })

  it('rejects parameters outside the limits', async () => {
    const lab = await labRoom()
    expect(await lab.fails('fill', { users: 0 })).toMatchObject({ status: 400 })
    expect(await lab.fails('fill', { users: 101 })).toMatchObject({ status: 400 })
    expect(await lab.fails('setTtl', { seconds: 0 })).toMatchObject({ status: 400 })
    expect(await lab.fails('setTtl', { seconds: 3601 })).toMatchObject({ status: 400 })
    expect(await lab.fails('load', { rps: 21 })).toMatchObject({ status: 400 })
    expect(await lab.fails('sweep', { version: 0 })).toMatchObject({ status: 400 })
    expect(await lab.fails('bump', { to: 5 })).toMatchObject({ status: 400 })
  })
})
