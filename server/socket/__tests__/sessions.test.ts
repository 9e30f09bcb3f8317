/**
 * Classroom sessions with real socket.io clients against the running app: a host (holding the secret) and
 * participants (code and name) in one session; host-only controls refused to participants; fires attributed
 * by name and rate limited; polls measured by the engine; a participant coming back as the same person and
 * replaying what they missed without gaps; names kept as plain text, printable and counted as people count
 * characters; join codes that cannot be guessed fast (the finer guessing limits: session-guards.test.ts).
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import type { LabEvent } from '../../../lib/events'
import { LIMITS } from '../../../lib/limits'
import type { SessionJoined } from '../../../lib/protocol'
import type { Presence, SessionState } from '../../../lib/session'
import { GUESS_BURST } from '../../sessions/code-guard'
import { newCode } from '../../sessions/session-store'
import { useTestApp } from '../../test-support/app'
import { isContiguous } from '../../test-support/events'
import { waitUntil } from '../../test-support/env'
import { request } from '../../test-support/http'
import { openClient, type TestClient } from '../../test-support/socket'

const t = useTestApp({ database: 'pglite' })

interface Seat {
  client: TestClient
  states: SessionState[]
  presence: Presence[]
  joined: SessionJoined
}

/** A new session on `lab`, over HTTP as the browser starts one; removed when the test finishes. */
async function newSession(lab = 'ttl'): Promise<{ code: string; secret: string; room: string }> {
  const res = await request(t.url, 'POST', '/api/sessions', { json: { lab } })
  expect(res.status).toBe(201)
  t.track(res.body.room)
  onTestFinished(() => t.app.sessions.remove(res.body.code))
  return { code: res.body.code, secret: res.body.hostSecret, room: res.body.room }
}

async function seat(event: 'session:host' | 'session:join', msg: Record<string, unknown>): Promise<Seat> {
  const client = await openClient(t.url)
  const states: SessionState[] = []
  const presence: Presence[] = []
  client.socket.on('session:state', (s) => void states.push(s))
  client.socket.on('session:presence', (p) => void presence.push(p))
  const res = await client.ask(event, msg)
  if (!res.ok) throw new Error(`${event} failed: ${res.error.message}`)
  return { client, states, presence, joined: res }
}

const host = (s: { code: string; secret: string }) => seat('session:host', { code: s.code, secret: s.secret })
const join = (code: string, name: string, participant?: string) => seat('session:join', { code, name, participant })
const events = (c: TestClient): LabEvent[] => c.batches.flatMap((b) => b.events)

describe('classroom sessions', () => {
  it('a host and participants share one session: same room, presence by name, the host drives what everyone sees', async () => {
    const s = await newSession()
    const h = await host(s)
    expect(h.joined.room.id).toBe(s.room)
    const ada = await join(s.code, 'Ada')
    const bob = await join(s.code.toLowerCase().replace(/^(...)/, '$1-'), 'Bob') // typed as people type it
    expect([ada.joined.room.id, bob.joined.room.id]).toEqual([s.room, s.room])
    await waitUntil(() => h.presence.at(-1)?.count === 2, 'presence of two')
    expect(h.presence.at(-1)!.names.sort()).toEqual(['Ada', 'Bob'])

    const view = await h.client.ask('session:control', { code: s.code, secret: s.secret, op: 'view', lab: 'event-driven', step: 2 })
    expect(view).toMatchObject({ ok: true, session: { lab: 'event-driven', step: 2 } })
    for (const p of [ada, bob]) await waitUntil(() => p.states.at(-1)?.lab === 'event-driven' && p.states.at(-1)?.step === 2, 'the view followed')

    bob.client.socket.disconnect()
    await waitUntil(() => h.presence.at(-1)?.count === 1, 'presence after Bob left')
    expect(h.presence.at(-1)!.names).toEqual(['Ada'])
  })

  it('refuses host-only things to participants: controls without the secret, lab actions, entering the room by id', async () => {
    const s = await newSession()
    const ada = await join(s.code, 'Ada')
    const wrongSecret = 'f'.repeat(48)
    const control = await ada.client.ask('session:control', { code: s.code, secret: wrongSecret, op: 'participation', participation: 'fire' })
    expect(control).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } })
    const act = await ada.client.ask('action', { room: s.room, lab: 'ttl', action: 'read', userId: 1 })
    expect(act).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } })

    const stranger = await openClient(t.url)
    expect(await stranger.ask('room:join', { room: s.room })).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } })
    const http = await request(t.url, 'POST', `/api/rooms/${s.room}/actions`, { json: { lab: 'ttl', action: 'read', userId: 1 } })
    expect(http.status).toBe(403)
    const asHost = await request(t.url, 'POST', `/api/rooms/${s.room}/actions`, {
      json: { lab: 'ttl', action: 'read', userId: 1 },
      headers: { 'x-host-secret': s.secret },
    })
    expect(asHost.status).toBe(200)
    // The state is untouched by the refused control.
    expect((await t.app.sessions.state(s.code)).participation).toBe('watch')
  })

  it("a participant's fire is refused until the host allows it, then sends real requests labelled with their name", async () => {
    const s = await newSession()
    const h = await host(s)
    const ada = await join(s.code, 'Ada <b>')
    expect(await ada.client.ask('session:fire', { code: s.code })).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } })

    await h.client.ask('session:control', { code: s.code, secret: s.secret, op: 'participation', participation: 'fire' })
    const fired = await ada.client.ask('session:fire', { code: s.code })
    expect(fired).toEqual({ ok: true, sent: LIMITS.requestsPerFire })
    // The host's screen shows the requests, by name: the name exactly as typed, kept as text.
    await waitUntil(() => events(h.client).filter((e) => e.kind === 'request').length >= LIMITS.requestsPerFire, 'the fired requests')
    const requests = events(h.client).filter((e) => e.kind === 'request')
    expect(requests.map((e) => (e.data as { label?: string }).label)).toEqual(Array(LIMITS.requestsPerFire).fill('Ada <b>'))
    expect(requests.every((e) => (e.data as { by: string }).by === 'participant')).toBe(true)

    await h.client.ask('session:control', { code: s.code, secret: s.secret, op: 'participation', participation: 'watch' })
    expect(await ada.client.ask('session:fire', { code: s.code })).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } })
  })

  it('rate limits a participant who keeps pressing fire', async () => {
    const s = await newSession()
    const h = await host(s)
    await h.client.ask('session:control', { code: s.code, secret: s.secret, op: 'participation', participation: 'fire' })
    const ada = await join(s.code, 'Ada')
    const replies = await Promise.all(Array.from({ length: LIMITS.participantFireBurst + 5 }, () => ada.client.ask('session:fire', { code: s.code })))
    const limited = replies.filter((r) => !r.ok && r.error.code === 'E_LIMIT')
    expect(replies.filter((r) => r.ok).length).toBeLessThanOrEqual(LIMITS.participantFireBurst + 1)
    expect(limited.length).toBeGreaterThanOrEqual(4)
  })

  it('validates names: empty and over-long names are refused with a reason', async () => {
    const s = await newSession()
    const c = await openClient(t.url)
    const empty = await c.ask('session:join', { code: s.code, name: '   ' })
    expect(empty).toMatchObject({ ok: false, error: { code: 'E_INVALID' } })
    const long = await c.ask('session:join', { code: s.code, name: 'x'.repeat(LIMITS.nameLength + 1) })
    expect(long).toMatchObject({ ok: false, error: { code: 'E_INVALID' } })
    expect(JSON.stringify(long)).toContain('name')
  })

  it('refuses names that are not printable text, each with a message that says why', async () => {
    const s = await newSession()
    const c = await openClient(t.url)
    const bad: [string, RegExp][] = [
      ['Ada\u0000', /control characters/],
      ['Ada\nLovelace', /control characters/],
      ['Ada\u0085', /control characters/],
      ['Ada\ud83d', /lone UTF-16 surrogate/],
      ['\u200b\u200d\u2060', /at least one visible character/],
      ['\u3164', /at least one visible character/],
      ['Ada\u202Enimda', /text-direction overrides/],
      ['\u2066Ada\u2069', /text-direction overrides/],
      ['a' + '\u0301'.repeat(40), /too many combining marks/],
    ]
    for (const [name, reason] of bad) {
      const res = await c.ask('session:join', { code: s.code, name })
      expect(res, JSON.stringify(name)).toMatchObject({ ok: false, error: { code: 'E_INVALID', issues: [{ path: 'name', message: expect.stringMatching(reason) }] } })
    }
    expect(await t.app.sessions.participants(s.code)).toEqual([])
  })

  it('accepts 30 user-perceived characters in any script or emoji, trimmed, and keeps them whole', async () => {
    const s = await newSession()
    const h = await host(s)
    const names = ['👩‍👩‍👧'.repeat(30), 'Zoë Ångström-Núñez', '東京の山田太郎さん'.repeat(3) + '一二三', 'é'.normalize('NFD').repeat(30), 'مريم'.repeat(7) + 'ab']
    for (const name of names) {
      const p = await join(s.code, `  ${name}\u200b `)
      expect(p.joined.participant!.name, name).toBe(name.normalize('NFC'))
    }
    await waitUntil(() => h.presence.at(-1)?.count === names.length, 'everyone present')
    expect(h.presence.at(-1)!.names.sort()).toEqual(names.map((n) => n.normalize('NFC')).sort())
    // One more emoji is one character too many.
    const over = await openClient(t.url)
    expect(await over.ask('session:join', { code: s.code, name: '👩‍👩‍👧'.repeat(31) })).toMatchObject({
      ok: false,
      error: { code: 'E_INVALID', issues: [{ message: 'Display name is at most 30 characters (this one has 31).' }] },
    })
  })

  it('holds poll questions and options to the same rules as names', async () => {
    const s = await newSession()
    const h = await host(s)
    const poll = (question: string, label: string) =>
      h.client.ask('session:control', { code: s.code, secret: s.secret, op: 'poll-open', question, options: [{ label }, { label: 'no' }], metric: null })
    expect(await poll('Stale?\u0000', 'yes')).toMatchObject({ ok: false, error: { code: 'E_INVALID', issues: [{ message: expect.stringMatching(/poll question may not contain control/) }] } })
    expect(await poll('Stale?', '\u202Eyes')).toMatchObject({ ok: false, error: { code: 'E_INVALID', issues: [{ message: expect.stringMatching(/poll option may not contain text-direction/) }] } })
    expect(await poll('Stale? 🤔', ' yes ')).toMatchObject({ ok: true, session: { poll: { question: 'Stale? 🤔', options: [{ label: 'yes' }, { label: 'no' }] } } })
  })

  it('a poll: answers are tallied live, and the result is what the engine measured after predictions closed', async () => {
    const s = await newSession()
    const h = await host(s)
    const people = await Promise.all(['Ada', 'Bob', 'Cy'].map((n) => join(s.code, n)))
    const options = [
      { label: 'none', min: 0, max: 0 },
      { label: 'one', min: 1, max: 1 },
      { label: 'more', min: 2 },
    ]
    const opened = await h.client.ask('session:control', { code: s.code, secret: s.secret, op: 'poll-open', question: 'How many DB queries?', options, metric: 'dbQueries' })
    expect(opened.ok).toBe(true)
    await Promise.all(people.map((p, i) => p.client.ask('session:answer', { code: s.code, option: i === 2 ? 0 : 1 })))
    await waitUntil(() => h.states.at(-1)?.poll?.tally.join() === '1,2,0', 'the tally')

    await h.client.ask('session:control', { code: s.code, secret: s.secret, op: 'poll-close' })
    expect(await people[0]!.client.ask('session:answer', { code: s.code, option: 2 })).toMatchObject({ ok: false, error: { code: 'E_INVALID' } })
    // The demo: a cold read misses once, then hits.
    for (let i = 0; i < 3; i++) {
      const r = await request(t.url, 'POST', `/api/rooms/${s.room}/actions`, { json: { lab: 'ttl', action: 'read', userId: 1 }, headers: { 'x-host-secret': s.secret } })
      expect(r.status).toBe(200)
    }
    const revealed = await h.client.ask('session:control', { code: s.code, secret: s.secret, op: 'poll-reveal' })
    expect(revealed).toMatchObject({ ok: true, session: { poll: { outcome: { value: 1, option: 1 } } } })
    await waitUntil(() => people.every((p) => p.states.at(-1)?.poll?.outcome?.value === 1), 'everyone sees the result')
  })

  it('a participant who reconnects comes back as the same person and replays what they missed with no gaps', async () => {
    const s = await newSession()
    const h = await host(s)
    const first = await join(s.code, 'Ada')
    const me = first.joined.participant!
    await request(t.url, 'POST', `/api/rooms/${s.room}/actions`, { json: { lab: 'ttl', action: 'read', userId: 1 }, headers: { 'x-host-secret': s.secret } })
    await waitUntil(() => events(first.client).length > 0, 'live events')
    const seen = Math.max(...events(first.client).map((e) => e.seq))
    first.client.socket.disconnect()

    // While Ada is away the lab goes on.
    for (let i = 0; i < 3; i++)
      await request(t.url, 'POST', `/api/rooms/${s.room}/actions`, { json: { lab: 'ttl', action: 'read', userId: 2 }, headers: { 'x-host-secret': s.secret } })
    await t.app.engine.recorder.flush(s.room)

    // The browser kept the id; the name it sends does not matter when it is the same person.
    const back = await join(s.code, 'Ada', me.id)
    expect(back.joined.participant).toEqual(me)
    await waitUntil(() => h.presence.at(-1)?.names.join() === 'Ada', 'one Ada in the presence list')
    const missed = await back.client.ask('events:replay', { room: s.room, after: seen })
    if (!missed.ok) throw new Error(missed.error.message)
    expect(missed.events.length).toBeGreaterThan(0)
    expect(isContiguous(missed.events.map((e) => e.seq), seen + 1)).toBe(true)
    expect(missed.events.at(-1)!.seq).toBe(missed.lastSeq)
  })

  it('the host keeps control after a reconnect; an ended session takes no one new', async () => {
    const s = await newSession()
    const h1 = await host(s)
    h1.client.socket.disconnect()
    const h2 = await host(s)
    const ended = await h2.client.ask('session:control', { code: s.code, secret: s.secret, op: 'end' })
    expect(ended).toMatchObject({ ok: true, session: { endedAt: expect.any(Number), participation: 'watch' } })
    const late = await openClient(t.url)
    expect(await late.ask('session:join', { code: s.code, name: 'Late' })).toMatchObject({ ok: false, error: { code: 'E_UNKNOWN_SESSION' } })
  })

  it('holds back guessing: after a burst of unknown codes from one address, lookups are refused', async () => {
    const s = await newSession()
    let guesser = await openClient(t.url)
    for (let i = 0; i < GUESS_BURST; i++) {
      // Spread over sockets, so the per-socket action limit plays no part.
      if (i % 20 === 19) guesser = await openClient(t.url)
      let code = newCode()
      while (code === s.code) code = newCode()
      const res = await guesser.ask('session:join', { code, name: 'Eve' })
      expect(res).toMatchObject({ ok: false, error: { code: 'E_UNKNOWN_SESSION' } })
    }
    // Now even the right code is refused from here, over the socket and over HTTP.
    expect(await guesser.ask('session:join', { code: s.code, name: 'Eve' })).toMatchObject({ ok: false, error: { code: 'E_LIMIT' } })
    expect((await request(t.url, 'GET', `/api/sessions/${s.code}`)).status).toBe(429)
  })
})
