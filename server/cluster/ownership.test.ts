/**
 * Room ownership across crashes, with real processes killed by SIGKILL (nothing handed back, as in a crash):
 * a restarted instance takes its rooms back at once; a dead owner's room is taken over by another instance
 * once the owner's heartbeat has lapsed, long before its owner key would; a live owner's room is never
 * taken, and an instance that finds its room claimed by another stops running it. Event sequence numbers
 * continue across each takeover without a gap or a duplicate.
 */
import { rmSync } from 'node:fs'
import type { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { roomKeys } from '../../lib/keys'
import { freePort } from '../redis/resolve'
import { startTestApp, type TestApp } from '../test-support/app'
import { startAppProcess, type AppProcess } from '../test-support/app-process'
import { postgresUrl, redisUrl, waitUntil } from '../test-support/env'
import { request } from '../test-support/http'
import { copyPgliteTemplate } from '../test-support/pglite'
import { removeRoomKeys, useRedis } from '../test-support/redis'
import { heartbeatKey } from './liveness'

const clients = useRedis('redis')
const children: AppProcess[] = []
afterAll(async () => {
  for (const c of children) await c.kill()
})

async function spawnApp(env: Record<string, string>): Promise<AppProcess> {
  const app = await startAppProcess({ REDIS_URL: redisUrl(), ...env })
  children.push(app)
  return app
}

const read = (url: string, room: string) =>
  request(url, 'POST', `/api/rooms/${room}/actions`, { json: { lab: 'ttl', action: 'read', userId: 1 } })

/** Every event sequence number in the room's stream, in stream order. */
async function streamSeqs(r: Redis, room: string): Promise<number[]> {
  const entries = await r.xrange(roomKeys(room).events, '-', '+')
  return entries.flatMap(([, fields]) => (JSON.parse(fields[1]!) as { seq: number }[]).map((e) => e.seq))
}

/** The stream holds 1..n, each once, in order: no event lost, none numbered twice. */
async function expectContiguous(r: Redis, room: string): Promise<number[]> {
  const seqs = await streamSeqs(r, room)
  expect(seqs.length).toBeGreaterThan(0)
  expect(seqs).toEqual(seqs.map((_, i) => i + 1))
  return seqs
}

describe('room ownership after a crash', () => {
  it('a single instance restarted after SIGKILL takes its rooms back at once (no E_ROOM_ELSEWHERE)', async () => {
    const dir = copyPgliteTemplate()
    try {
      const env = { PORT: String(await freePort()), HOST: '127.0.0.1', PGLITE_DIR: dir }
      const first = await spawnApp(env)
      const created = await request(first.url, 'POST', '/api/rooms', { json: {} })
      expect(created.status).toBe(201)
      const room = created.body.id as string
      try {
        expect((await read(first.url, room)).status).toBe(200)
        // Recorded events reach the stream within a turn or two; wait so the restart has them to continue from.
        await waitUntil(async () => (await streamSeqs(clients.redis, room)).length > 0, 'the first events in the stream')
        await first.kill()
        const owner = await clients.redis.get(roomKeys(room).owner)
        expect(owner).not.toBeNull() // the crashed process's owner key is still there

        const second = await spawnApp(env)
        const after = await read(second.url, room)
        expect(after.body).not.toMatchObject({ error: { code: 'E_ROOM_ELSEWHERE' } })
        expect(after.status).toBe(200)
        expect(await clients.redis.get(roomKeys(room).owner)).toBe(owner) // the same instance, by its stable id
        await waitUntil(async () => (await streamSeqs(clients.redis, room)).length > 2, 'the restarted process’s events')
        await expectContiguous(clients.redis, room)
        await second.stop()
      } finally {
        await removeRoomKeys(clients.redis, room)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 90_000)

  describe('two instances (CLUSTER=true)', () => {
    let b: TestApp | undefined
    afterAll(async () => {
      await b?.close()
    })

    it('takes a dead owner’s room over once its heartbeat lapses, continuing its event sequence', async () => {
      const a = await spawnApp({ PORT: '0', CLUSTER: 'true', DATABASE_URL: postgresUrl(), INSTANCE_ID: `t-dead-${process.pid}-${Date.now()}` })
      b = await startTestApp({ database: 'postgres', env: { CLUSTER: 'true' } })
      const created = await request(a.url, 'POST', '/api/rooms', { json: {} })
      const room = created.body.id as string
      b.track(room)
      expect((await read(a.url, room)).status).toBe(200)
      await waitUntil(async () => (await streamSeqs(clients.redis, room)).length > 0, 'the first events in the stream')
      const before = await streamSeqs(clients.redis, room)
      const deadOwner = (await clients.redis.get(roomKeys(room).owner))!

      await a.kill()
      // The owner is known dead by its heartbeat, long before its room's owner key would lapse.
      await waitUntil(async () => (await clients.redis.exists(heartbeatKey(deadOwner))) === 0, 'the dead owner’s heartbeat to lapse', 10_000)
      expect(await clients.redis.get(roomKeys(room).owner)).toBe(deadOwner)
      expect(await clients.redis.pttl(roomKeys(room).owner)).toBeGreaterThan(0)

      const taken = await read(b.url, room)
      expect(taken.body).not.toMatchObject({ error: { code: 'E_ROOM_ELSEWHERE' } })
      expect(taken.status).toBe(200)
      const newOwner = await clients.redis.get(roomKeys(room).owner)
      expect(newOwner).not.toBe(deadOwner)
      expect(newOwner).not.toBeNull()
      expect(b.app.engine.rooms.isLive(room)).toBe(true)

      // The new owner numbered on from the dead one's last event.
      await waitUntil(async () => (await streamSeqs(clients.redis, room)).length > before.length, 'the new owner’s events')
      const seqs = await expectContiguous(clients.redis, room)
      expect(seqs.slice(0, before.length)).toEqual(before)
    }, 90_000)

    it('never takes a live owner’s room, and an owner whose room was claimed by another stops running it', async () => {
      b ??= await startTestApp({ database: 'postgres', env: { CLUSTER: 'true' } })
      const c = await startTestApp({ database: 'postgres', env: { CLUSTER: 'true' } })
      try {
        const room = await c.room({ keep: true })
        const cId = (await clients.redis.get(roomKeys(room).owner))!
        expect(cId).toBeTruthy()
        // A call on B is forwarded to C, which runs the room; B never claims it.
        const res = await read(b.url, room)
        expect(res.status).toBe(200)
        expect(b.app.engine.rooms.isLive(room)).toBe(false)
        expect(await clients.redis.get(roomKeys(room).owner)).toBe(cId)
        await expect(b.app.engine.rooms.get(room)).rejects.toMatchObject({ code: 'E_ROOM_ELSEWHERE' })
        expect(await clients.redis.get(roomKeys(room).owner)).toBe(cId)

        // Another instance claims it anyway (as one would had C's heartbeat lapsed while C was stalled): at its
        // next renewal C sees the room is someone else's and stops running it, so the two never both run it.
        const other = `t-other-${process.pid}`
        await clients.redis.set(roomKeys(room).owner, other, 'PX', 15_000)
        await c.app.engine.rooms.renewOwnership()
        expect(c.app.engine.rooms.isLive(room)).toBe(false)
        expect(await clients.redis.get(roomKeys(room).owner)).toBe(other)
      } finally {
        await c.close()
      }
    }, 60_000)
  })
})
