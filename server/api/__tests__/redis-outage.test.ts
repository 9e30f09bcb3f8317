/**
 * The HTTP API and the socket while Redis is down (SIGKILL) or frozen (SIGSTOP), against an app on a
 * redis-server of this file's own: lab actions and reads answer from the database, the classroom check holds
 * without Redis, and what truly needs Redis (sessions, the key inspector, new rooms) is a 503 that says Redis
 * is unreachable in words. Never a 500, never the driver's text, never a stack trace in the log.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { PrivateRedis } from '../../chaos/redis-server'
import { startTestApp, type TestApp } from '../../test-support/app'
import { waitUntil } from '../../test-support/env'
import { request, type Reply } from '../../test-support/http'
import { openClient } from '../../test-support/socket'

const DRIVER_TEXT = /Stream isn't writeable|enableOfflineQueue|MaxRetriesPerRequest|max retries|ECONNREFUSED|Socket timeout/i

let redis: PrivateRedis
let t: TestApp
beforeAll(async () => {
  redis = await PrivateRedis.start()
  t = await startTestApp({ database: 'pglite', env: { REDIS_URL: redis.url } })
}, 60_000)
afterAll(async () => {
  redis?.thaw()
  await t?.close()
  await redis?.stop()
}, 60_000)

/** Everything the app logs while `fn` runs. */
async function logged(fn: () => Promise<void>): Promise<string> {
  const lines: string[] = []
  const write = process.stderr.write.bind(process.stderr)
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    lines.push(String(chunk))
    return write(chunk, ...rest)
  }) as typeof process.stderr.write
  try {
    await fn()
  } finally {
    process.stderr.write = write
  }
  return lines.join('')
}

const read = { lab: 'ttl', action: 'read', userId: 1 }

async function setUp() {
  const room = (await request(t.url, 'POST', '/api/rooms', { json: {} })).body.id as string
  t.track(room)
  const session = await request(t.url, 'POST', '/api/sessions', { json: { lab: 'ttl' } })
  expect(session.status).toBe(201)
  t.track(session.body.room)
  onTestFinished(() => t.app.sessions.remove(session.body.code).catch(() => {}))
  const classroom = { room: session.body.room as string, code: session.body.code as string, secret: session.body.hostSecret as string }
  // Both rooms loaded and their user 1 cached, as in any lesson before the outage.
  expect((await request(t.url, 'POST', `/api/rooms/${room}/actions`, { json: read })).status).toBe(200)
  const host = { 'x-host-secret': classroom.secret }
  expect((await request(t.url, 'POST', `/api/rooms/${classroom.room}/actions`, { json: read, headers: host })).status).toBe(200)
  const socket = await openClient(t.url)
  expect(await socket.ask('room:join', { room })).toMatchObject({ ok: true })
  return { room, classroom, host, socket }
}

function expectClear503(res: Reply, what: string): void {
  expect([res.status, res.body?.error?.code], `${what}: ${JSON.stringify(res.body)}`).toEqual([503, 'E_CACHE_UNAVAILABLE'])
  expect(res.body.error.message).toMatch(/Redis/)
  expect(res.body.error.message).not.toMatch(DRIVER_TEXT)
}

async function duringOutage(s: Awaited<ReturnType<typeof setUp>>): Promise<void> {
  const { room, classroom, host, socket } = s
  const get = (path: string, headers: Record<string, string> = {}) => request(t.url, 'GET', path, { headers })
  // Lab reads answer from the database, over HTTP and the socket.
  for (const [target, headers] of [[room, {}], [classroom.room, host]] as const) {
    const act = await request(t.url, 'POST', `/api/rooms/${target}/actions`, { json: { ...read, userId: 2 }, headers })
    expect(act.status, JSON.stringify(act.body)).toBe(200)
    expect(act.body.result).toMatchObject({ ok: true, from: 'db' })
    for (const path of ['', '/events', '/metrics']) expect((await get(`/api/rooms/${target}${path}`, headers)).status, path).toBe(200)
  }
  expect(await socket.ask('action', { room, ...read, userId: 3 })).toMatchObject({ ok: true, result: { ok: true, from: 'db' } })
  expect(await socket.ask('metrics', { room })).toMatchObject({ ok: true })
  // The classroom stays closed to anyone without the host secret, Redis or not.
  expect((await request(t.url, 'POST', `/api/rooms/${classroom.room}/actions`, { json: read })).status).toBe(403)
  expect((await get(`/api/rooms/${classroom.room}/events`)).status).toBe(403)
  // What needs Redis says so.
  expectClear503(await get(`/api/rooms/${room}/inspect`), 'inspect')
  expectClear503(await get(`/api/sessions/${classroom.code}`), 'session')
  expectClear503(await request(t.url, 'POST', '/api/rooms', { json: {} }), 'new room')
  const inspect = await socket.ask('inspect', { room })
  expect(inspect).toMatchObject({ ok: false, error: { code: 'E_CACHE_UNAVAILABLE' } })
  expect(JSON.stringify(inspect)).not.toMatch(DRIVER_TEXT)
  const health = await get('/api/health')
  expect(health.status).toBe(503)
  expect(health.body.redis).toMatchObject({ ok: false, detail: expect.stringMatching(/Redis/) })
  expect(health.body.redis.detail).not.toMatch(DRIVER_TEXT)
}

async function recovered(): Promise<void> {
  await waitUntil(async () => (await request(t.url, 'GET', '/api/health')).status === 200, 'Redis back', 20_000, 100)
}

describe('Redis down', () => {
  it('killed (SIGKILL): reads answer from the database, the rest is a clear 503, nothing is a 500', { timeout: 90_000 }, async () => {
    const s = await setUp()
    const log = await logged(async () => {
      await redis.kill()
      try {
        await duringOutage(s)
      } finally {
        await redis.restart()
      }
      await recovered()
    })
    expect(log).not.toMatch(/ error \[/)
    expect(log).not.toMatch(/\n\s+at /) // no stack trace
  })

  it('frozen (SIGSTOP): the same, once the stalled commands time out', { timeout: 90_000 }, async () => {
    const s = await setUp()
    const log = await logged(async () => {
      redis.freeze()
      try {
        await duringOutage(s)
      } finally {
        redis.thaw()
      }
      await recovered()
    })
    expect(log).not.toMatch(/ error \[/)
    expect(log).not.toMatch(/\n\s+at /)
  })
})
