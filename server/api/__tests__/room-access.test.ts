/**
 * The threat model, enforced (README, "Who may see and do what"): /metrics names no room unless the operator
 * token is presented; a classroom's room answers over HTTP only with its host secret, for reads as for
 * actions, also after its session's Redis keys are gone; a refusal names no session; a socket uses only
 * rooms it joined, and a participant reads the room's metrics there.
 */
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { useTestApp } from '../../test-support/app'
import { waitUntil } from '../../test-support/env'
import { request, type Reply } from '../../test-support/http'
import { openClient } from '../../test-support/socket'

const TOKEN = 'operator-token-for-the-test-0123'
const open = useTestApp({ database: 'pglite' })
const guarded = useTestApp({ database: 'pglite', env: { METRICS_TOKEN: TOKEN } })
// Starting the second app (PGlite opening in this thread) can hold the first one's event loop past its Redis
// socket timeout on a loaded machine: its connection drops and comes back. Start once both are connected.
beforeAll(() => waitUntil(() => open.app.redis.healthy && guarded.app.redis.healthy, 'both apps connected to Redis', 15_000), 20_000)

async function newSession(): Promise<{ code: string; secret: string; room: string }> {
  const res = await request(open.url, 'POST', '/api/sessions', { json: { lab: 'ttl' } })
  expect(res.status).toBe(201)
  open.track(res.body.room)
  onTestFinished(() => open.app.sessions.remove(res.body.code))
  return { code: res.body.code, secret: res.body.hostSecret, room: res.body.room }
}

const read = { lab: 'ttl', action: 'read', userId: 1 }

/** Every HTTP route that uses a room, as one caller would send them. */
function roomRoutes(room: string, headers: Record<string, string>): Promise<Reply>[] {
  return [
    request(open.url, 'GET', `/api/rooms/${room}`, { headers }),
    request(open.url, 'GET', `/api/rooms/${room}/events`, { headers }),
    request(open.url, 'GET', `/api/rooms/${room}/metrics`, { headers }),
    request(open.url, 'GET', `/api/rooms/${room}/inspect`, { headers }),
    request(open.url, 'POST', `/api/rooms/${room}/actions`, { json: read, headers }),
  ]
}

describe('GET /metrics', () => {
  it('without METRICS_TOKEN: totals only, no room id anywhere', async () => {
    const room = await open.room()
    await open.app.engine.act(room, read, 'api')
    const res = await request(open.url, 'GET', '/metrics')
    expect(res.status).toBe(200)
    expect(res.body).not.toMatch(/room="/)
    expect(res.body).not.toContain(room)
    expect(res.body).toMatch(/^cachelab_requests_total [1-9]\d*$/m)
    expect(res.body).toMatch(/^cachelab_request_duration_ms_count [1-9]\d*$/m)
  })

  it('with METRICS_TOKEN: 401 without the bearer token or with a wrong one; each room with it', async () => {
    const room = await guarded.room()
    await guarded.app.engine.act(room, read, 'api')
    for (const authorization of [undefined, 'Bearer wrong', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
      const res = await request(guarded.url, 'GET', '/metrics', { headers: authorization ? { authorization } : {} })
      expect([res.status, res.body.error?.code], authorization).toEqual([401, 'E_UNAUTHORIZED'])
      expect(JSON.stringify(res.body)).not.toContain(room)
    }
    const res = await request(guarded.url, 'GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(res.status).toBe(200)
    expect(res.body).toContain(`cachelab_requests_total{room="${room}"} 1`)
  })
})

describe("a classroom's room over HTTP", () => {
  it('refuses every route without the host secret, or with a wrong one, and names no session', async () => {
    const s = await newSession()
    for (const headers of [{}, { 'x-host-secret': 'f'.repeat(48) }, { 'x-host-secret': '' }] as Record<string, string>[]) {
      for (const res of await Promise.all(roomRoutes(s.room, headers))) {
        expect([res.status, res.body.error?.code], JSON.stringify(res.body)).toEqual([403, 'E_FORBIDDEN'])
        expect(res.body.error.message).not.toContain(s.code)
      }
    }
    // Nothing ran in the room.
    expect(open.app.engine.recorder.lastSeq(s.room)).toBe(0)
  })

  it('answers every route with the host secret', async () => {
    const s = await newSession()
    const replies = await Promise.all(roomRoutes(s.room, { 'x-host-secret': s.secret }))
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200])
  })

  it('stays closed after the session is gone from Redis (its events name participants), and the host still gets in', async () => {
    const s = await newSession()
    await open.app.sessions.remove(s.code)
    for (const res of await Promise.all(roomRoutes(s.room, {}))) expect(res.status).toBe(403)
    const res = await request(open.url, 'GET', `/api/rooms/${s.room}/events`, { headers: { 'x-host-secret': s.secret } })
    expect(res.status).toBe(200)
  })

  it("a visitor's private room needs only its id", async () => {
    const room = (await request(open.url, 'POST', '/api/rooms', { json: {} })).body.id as string
    open.track(room)
    const replies = await Promise.all(roomRoutes(room, {}))
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200])
  })
})

describe("a classroom's room over the socket", () => {
  it('a participant reads metrics through the room it joined; a stranger can neither join by id nor read', async () => {
    const s = await newSession()
    const participant = await openClient(open.url)
    const joined = await participant.ask('session:join', { code: s.code, name: 'Ada' })
    expect(joined.ok).toBe(true)
    const metrics = await participant.ask('metrics', { room: s.room })
    expect(metrics).toMatchObject({ ok: true, metrics: { requests: 0 } })

    const stranger = await openClient(open.url)
    expect(await stranger.ask('room:join', { room: s.room })).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } })
    for (const [event, msg] of [
      ['metrics', { room: s.room }],
      ['inspect', { room: s.room }],
      ['events:replay', { room: s.room, after: 0 }],
      ['action', { room: s.room, ...read }],
    ] as const) {
      const res = await stranger.ask(event, msg)
      expect(res, event).toMatchObject({ ok: false, error: { code: 'E_NOT_JOINED' } })
    }
  })
})
