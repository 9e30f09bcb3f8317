/**
 * Two server instances sharing one Redis and one PostgreSQL server (CLUSTER=true), on different ports, with
 * clients on each: one session seen the same from both, a participant's fire on the instance that does not
 * run the room forwarded to the one that does, and its events delivered to sockets on both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LabEvent } from '../../lib/events'
import { LIMITS } from '../../lib/limits'
import type { Presence, SessionState } from '../../lib/session'
import { startTestApp, type TestApp } from '../test-support/app'
import { waitUntil } from '../test-support/env'
import { request } from '../test-support/http'
import { openClient } from '../test-support/socket'

let a: TestApp
let b: TestApp
beforeAll(async () => {
  // Both on the PostgreSQL server: an embedded PGlite per instance would be two databases.
  a = await startTestApp({ database: 'postgres', env: { CLUSTER: 'true' } })
  b = await startTestApp({ database: 'postgres', env: { CLUSTER: 'true' } })
})
afterAll(async () => {
  await b?.close()
  await a?.close()
})

describe('two instances, one session', () => {
  it('serves one session from both: presence, the host’s controls, and a forwarded fire whose events reach both', async () => {
    expect(a.url).not.toBe(b.url)
    const created = await request(a.url, 'POST', '/api/sessions', { json: { lab: 'ttl' } })
    expect(created.status).toBe(201)
    const { code, hostSecret: secret, room } = created.body as { code: string; hostSecret: string; room: string }
    a.track(room)
    try {
      // The session is in Redis: the other instance knows it too.
      expect((await request(b.url, 'GET', `/api/sessions/${code}`)).body).toMatchObject({ code, room, lab: 'ttl' })

      const host = await openClient(a.url)
      const hostPresence: Presence[] = []
      host.socket.on('session:presence', (p) => void hostPresence.push(p))
      expect(await host.ask('session:host', { code, secret })).toMatchObject({ ok: true, room: { id: room } })

      const ada = await openClient(b.url)
      const adaStates: SessionState[] = []
      ada.socket.on('session:state', (s) => void adaStates.push(s))
      expect(await ada.ask('session:join', { code, name: 'Ada' })).toMatchObject({ ok: true, room: { id: room } })
      // Presence counts sockets on every instance.
      await waitUntil(() => hostPresence.at(-1)?.names.includes('Ada'), 'Ada in the host’s presence list', 10_000)

      // The host's control on A reaches the participant on B.
      await host.ask('session:control', { code, secret, op: 'participation', participation: 'fire' })
      await waitUntil(() => adaStates.at(-1)?.participation === 'fire', 'the participation change on B', 10_000)

      // Ada fires on B; the room runs on A (where it was created): the call is forwarded.
      expect(a.app.engine.rooms.peek(room)).toBeDefined()
      expect(b.app.engine.rooms.peek(room)).toBeUndefined()
      const fired = await ada.ask('session:fire', { code })
      expect(fired).toEqual({ ok: true, sent: LIMITS.requestsPerFire })
      expect(b.app.engine.rooms.peek(room)).toBeUndefined()

      const requests = (events: LabEvent[]) => events.filter((e) => e.kind === 'request' && (e.data as { label?: string }).label === 'Ada')
      const seen = (c: typeof host) => c.batches.flatMap((x) => x.events)
      await waitUntil(() => requests(seen(host)).length === LIMITS.requestsPerFire, 'the fired requests on A', 10_000)
      await waitUntil(() => requests(seen(ada)).length === LIMITS.requestsPerFire, 'the fired requests on B', 10_000)
      // Both saw the same events, in the same order.
      const seqs = (c: typeof host) => requests(seen(c)).map((e) => e.seq)
      expect(seqs(ada)).toEqual(seqs(host))

      // The room's metrics asked on B come from A's engine; B, too, answers a classroom's room to its host only.
      expect((await request(b.url, 'GET', `/api/rooms/${room}/metrics`)).status).toBe(403)
      const metrics = await request(b.url, 'GET', `/api/rooms/${room}/metrics`, { headers: { 'x-host-secret': secret } })
      expect(metrics.status).toBe(200)
      expect(metrics.body.requests).toBeGreaterThanOrEqual(LIMITS.requestsPerFire)
    } finally {
      await a.app.sessions.remove(code)
    }
  })
})
