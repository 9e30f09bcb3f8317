/**
 * The races lab's Lua scripts, run on the real Redis exactly as the strategies run them (runScript), each
 * checked against the rule it implements: versioned-fill-2.lua against fillVerdict for every combination of
 * versions, tombstone-delete-2.lua against tombstoneVersion, the lease scripts against canFill.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { roomKeys } from '../../../lib/keys'
import { claimRoom, useRedis } from '../../test-support/redis'
import { loadScript, runScript, SCRIPTS, type LuaScript } from '../lua/scripts'
import { canFill } from '../strategies/leases'
import { fillVerdict, tombstoneVersion } from '../strategies/versioned-fill'

const redis = useRedis('lua')

/** The full names of a data key, its tombstone and its lease in a fresh room of this test. */
async function keys() {
  const { id } = await claimRoom(redis.lua)
  const k = roomKeys(id)
  return { data: k.full('user:1'), tomb: k.full('tomb:user:1'), lease: k.full('lease:user:1') }
}
const row = (version: number) => JSON.stringify({ id: 1, name: 'Ada', version })
const tombstone = (version: number) => `{"version":${version},"tombstone":true}`
const versionAt = async (key: string) => {
  const raw = await redis.lua.get(key)
  return raw === null ? null : (JSON.parse(raw) as { version: number }).version
}

describe('versioned-fill-2.lua', () => {
  const versions = [null, 1, 2, 3] as const
  const cases = [1, 2, 3].flatMap((incoming) =>
    versions.flatMap((cached) => versions.map((tomb) => [incoming, cached, tomb] as const)),
  )

  it.each(cases)(
    'a fill of v%s with v%s cached and tombstone v%s does what fillVerdict says',
    async (incoming, cached, tomb) => {
      const k = await keys()
      if (cached !== null) await redis.lua.set(k.data, row(cached), 'PX', 60_000)
      if (tomb !== null) await redis.lua.set(k.tomb, tombstone(tomb), 'PX', 60_000)
      const reply = await runScript(redis.lua, SCRIPTS.versionedFill, [k.data, k.tomb], [row(incoming), incoming, 5000])
      const verdict = fillVerdict(incoming, cached, tomb)
      if (verdict.store) {
        expect(reply).toEqual(['stored'])
        expect(await versionAt(k.data)).toBe(incoming)
        const pttl = await redis.lua.pttl(k.data)
        expect(pttl).toBeGreaterThan(4000)
        expect(pttl).toBeLessThanOrEqual(5000)
      } else {
        expect(reply).toEqual(['refused', verdict.reason, verdict.against])
        expect(await versionAt(k.data)).toBe(cached)
      }
      // The fill never touches the tombstone.
      expect(await redis.lua.get(k.tomb)).toBe(tomb === null ? null : tombstone(tomb))
    },
  )

  it('overwrites a cached value that is not a versioned row (one set from outside)', async () => {
    const k = await keys()
    await redis.lua.set(k.data, 'hello')
    expect(await runScript(redis.lua, SCRIPTS.versionedFill, [k.data, k.tomb], [row(1), 1, 5000])).toEqual(['stored'])
    expect(await versionAt(k.data)).toBe(1)
  })
})

describe('tombstone-delete-2.lua', () => {
  it('deletes the value and leaves a tombstone of the version written, with its TTL', async () => {
    const k = await keys()
    await redis.lua.set(k.data, row(1))
    expect(await runScript(redis.lua, SCRIPTS.tombstoneDelete, [k.data, k.tomb], [2, 8000])).toEqual([1, 2])
    expect(await redis.lua.exists(k.data)).toBe(0)
    expect(await redis.lua.get(k.tomb)).toBe(tombstone(2))
    const pttl = await redis.lua.pttl(k.tomb)
    expect(pttl).toBeGreaterThan(7000)
    expect(pttl).toBeLessThanOrEqual(8000)
  })

  it('says when nothing was cached, and never lowers a tombstone (a late delete of an older write)', async () => {
    const k = await keys()
    for (const [previous, written] of [
      [null, 2],
      [3, 2],
      [2, 5],
    ] as const) {
      await redis.lua.del(k.tomb)
      if (previous !== null) await redis.lua.set(k.tomb, tombstone(previous))
      const kept = tombstoneVersion(previous, written)
      expect(await runScript(redis.lua, SCRIPTS.tombstoneDelete, [k.data, k.tomb], [written, 8000])).toEqual([0, kept])
      expect(await redis.lua.get(k.tomb)).toBe(tombstone(kept))
    }
  })

  it('then refuses the fill of the row read before the write: the race, stopped in Redis', async () => {
    const k = await keys()
    expect(await runScript(redis.lua, SCRIPTS.tombstoneDelete, [k.data, k.tomb], [2, 8000])).toEqual([0, 2])
    expect(await runScript(redis.lua, SCRIPTS.versionedFill, [k.data, k.tomb], [row(1), 1, 5000])).toEqual([
      'refused',
      'tombstone',
      2,
    ])
    expect(await redis.lua.exists(k.data)).toBe(0)
  })
})

describe('lease scripts', () => {
  it('lease-get-2.lua: a hit returns the value and hands out no lease', async () => {
    const k = await keys()
    await redis.lua.set(k.data, row(4))
    expect(await runScript(redis.lua, SCRIPTS.leaseGet, [k.data, k.lease], ['t1', 5000])).toEqual(['hit', row(4)])
    expect(await redis.lua.exists(k.lease)).toBe(0)
  })

  it('lease-get-2.lua: the first miss gets the lease (with its TTL), the next is told to wait', async () => {
    const k = await keys()
    expect(await runScript(redis.lua, SCRIPTS.leaseGet, [k.data, k.lease], ['t1', 5000])).toEqual(['lease', 't1'])
    expect(await redis.lua.get(k.lease)).toBe('t1')
    const pttl = await redis.lua.pttl(k.lease)
    expect(pttl).toBeGreaterThan(4000)
    expect(pttl).toBeLessThanOrEqual(5000)
    expect(await runScript(redis.lua, SCRIPTS.leaseGet, [k.data, k.lease], ['t2', 5000])).toEqual(['wait', 't1'])
    expect(await redis.lua.get(k.lease)).toBe('t1')
  })

  it.each([
    ['the holder', 't1', 't1'],
    ['another token', 't1', 't2'],
    ['a token whose lease was revoked', null, 't1'],
  ] as const)('lease-fill-2.lua with %s does what canFill says', async (_what, held, offered) => {
    const k = await keys()
    if (held !== null) await redis.lua.set(k.lease, held, 'PX', 5000)
    const reply = await runScript(redis.lua, SCRIPTS.leaseFill, [k.data, k.lease], [offered, row(2), 7000])
    if (canFill(held, offered)) {
      expect(reply).toEqual(['filled'])
      expect(await versionAt(k.data)).toBe(2)
      expect(await redis.lua.pttl(k.data)).toBeGreaterThan(6000)
      // Filling ends the lease.
      expect(await redis.lua.exists(k.lease)).toBe(0)
    } else {
      expect(reply).toEqual(['rejected', held ?? ''])
      expect(await redis.lua.exists(k.data)).toBe(0)
      expect(await redis.lua.get(k.lease)).toBe(held)
    }
  })

  it('lease-invalidate-2.lua deletes the value and revokes the lease, saying what it found', async () => {
    const k = await keys()
    await redis.lua.set(k.data, row(1))
    await redis.lua.set(k.lease, 't9')
    expect(await runScript(redis.lua, SCRIPTS.leaseInvalidate, [k.data, k.lease], [])).toEqual([1, 't9'])
    expect(await redis.lua.exists(k.data, k.lease)).toBe(0)
    expect(await runScript(redis.lua, SCRIPTS.leaseInvalidate, [k.data, k.lease], [])).toEqual([0, ''])
  })

  it('the race with leases: a token granted before the write cannot fill after its delete', async () => {
    const k = await keys()
    expect(await runScript(redis.lua, SCRIPTS.leaseGet, [k.data, k.lease], ['a', 5000])).toEqual(['lease', 'a'])
    expect(await runScript(redis.lua, SCRIPTS.leaseInvalidate, [k.data, k.lease], [])).toEqual([0, 'a'])
    expect(await runScript(redis.lua, SCRIPTS.leaseFill, [k.data, k.lease], ['a', row(1), 5000])).toEqual([
      'rejected',
      '',
    ])
    expect(await runScript(redis.lua, SCRIPTS.leaseGet, [k.data, k.lease], ['c', 5000])).toEqual(['lease', 'c'])
    expect(await runScript(redis.lua, SCRIPTS.leaseFill, [k.data, k.lease], ['c', row(2), 5000])).toEqual(['filled'])
    expect(await versionAt(k.data)).toBe(2)
  })
})

describe('runScript', () => {
  it('sends EVAL when Redis does not know the script yet (NOSCRIPT), EVALSHA once it does', async () => {
    const source = `return 'fresh ${Math.random()}'`
    const script: LuaScript = { name: 'probe', keys: 0, source, sha: createHash('sha1').update(source).digest('hex') }
    const [before] = (await redis.lua.script('EXISTS', script.sha)) as number[]
    expect(before).toBe(0)
    expect(await runScript(redis.lua, script, [], [])).toBe(source.slice(8, -1))
    const [after] = (await redis.lua.script('EXISTS', script.sha)) as number[]
    expect(after).toBe(1)
    expect(await runScript(redis.lua, script, [], [])).toBe(source.slice(8, -1))
  })

  it('refuses a call with the wrong number of keys', async () => {
    await expect(runScript(redis.lua, SCRIPTS.leaseFill, ['only-one'], [])).rejects.toThrow(/takes 2 keys, got 1/)
  })

  it('names scripts from their files, key count included', () => {
    expect(SCRIPTS.versionedFill).toMatchObject({ name: 'versioned-fill', keys: 2 })
    expect(SCRIPTS.leaseInvalidate).toMatchObject({ name: 'lease-invalidate', keys: 2 })
    expect(SCRIPTS.leaseGet.sha).toMatch(/^[0-9a-f]{40}$/)
    expect(() => loadScript('no-key-count.lua')).toThrow(/-<number of keys>\.lua/)
  })
})
