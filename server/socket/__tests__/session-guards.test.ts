/**
 * The limits on guessing, with real sockets from distinct client addresses (127.x.y.z, all loopback on Linux):
 * other people's wrong codes never lock the host out; a class behind one NAT address gets in despite its
 * typos; forged host secrets are held back per address and per session, while the right one always works.
 * Every test uses addresses of its own, so the in-memory budgets of one test do not leak into another.
 */
import http from 'node:http'
import { randomInt } from 'node:crypto'
import { describe, expect, it, onTestFinished } from 'vitest'
import { GUESS_BURST } from '../../sessions/code-guard'
import { SECRET_BURST_PER_ADDRESS, SECRET_BURST_PER_SESSION } from '../../sessions/secret-guard'
import { newCode } from '../../sessions/session-store'
import { useTestApp } from '../../test-support/app'
import { request } from '../../test-support/http'
import { openClient, type TestClient } from '../../test-support/socket'

const t = useTestApp({ database: 'pglite' })

/** A loopback address no other test uses. */
let next = 0
const address = () => `127.${100 + (process.pid % 100)}.${++next}.${randomInt(2, 250)}`

async function newSession(): Promise<{ code: string; secret: string; room: string }> {
  const res = await request(t.url, 'POST', '/api/sessions', { json: { lab: 'ttl' } })
  expect(res.status).toBe(201)
  t.track(res.body.room)
  onTestFinished(() => t.app.sessions.remove(res.body.code))
  return { code: res.body.code, secret: res.body.hostSecret, room: res.body.room }
}

/** A code-shaped code no session has. */
async function wrongCode(): Promise<string> {
  for (;;) {
    const code = newCode()
    if (!(await t.app.sessions.get(code))) return code
  }
}

const forged = () => Array.from({ length: 48 }, () => '0123456789abcdef'[randomInt(16)]).join('')

/** GET /api/sessions/:code from `from`, as the join page and the session page look a code up. */
function lookUp(code: string, from: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(`${t.url}/api/sessions/${code}`, { localAddress: from, headers }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      })
      .on('error', reject)
  })
}

/** `n` wrong codes from `from`, spread over sockets so the per-socket action limit plays no part. */
async function guessCodes(from: string, n: number): Promise<string[]> {
  const answers: string[] = []
  let client: TestClient | undefined
  for (let i = 0; i < n; i++) {
    if (i % 20 === 0) client = await openClient(t.url, { from })
    const res = await client!.ask('session:join', { code: await wrongCode(), name: 'Eve' })
    answers.push(res.ok ? 'ok' : res.error.code)
  }
  return answers
}

describe('guessing limits', () => {
  it('the host reconnects and drives the session after its address has spent every wrong-code guess', async () => {
    const s = await newSession()
    const school = address()
    const host = await openClient(t.url, { from: school })
    expect(await host.ask('session:host', { code: s.code, secret: s.secret })).toMatchObject({ ok: true })

    // A student at the same address keeps mistyping: the address's budget runs out.
    const answers = await guessCodes(school, GUESS_BURST + 3)
    expect(answers.slice(0, GUESS_BURST)).toEqual(Array(GUESS_BURST).fill('E_UNKNOWN_SESSION'))
    expect(answers.slice(GUESS_BURST)).toEqual(['E_LIMIT', 'E_LIMIT', 'E_LIMIT'])
    // Code lookups from there are still held back…
    const late = await openClient(t.url, { from: school })
    expect(await late.ask('session:join', { code: s.code, name: 'Late' })).toMatchObject({
      ok: false,
      error: { code: 'E_LIMIT' },
    })

    // …but the host's right secret is not: on every control, and on a reconnect.
    const control = await host.ask('session:control', {
      code: s.code,
      secret: s.secret,
      op: 'participation',
      participation: 'fire',
    })
    expect(control).toMatchObject({ ok: true, session: { participation: 'fire' } })
    host.socket.disconnect()
    const back = await openClient(t.url, { from: school })
    expect(await back.ask('session:host', { code: s.code, secret: s.secret })).toMatchObject({
      ok: true,
      session: { code: s.code },
    })
    expect(
      await back.ask('session:control', { code: s.code, secret: s.secret, op: 'view', lab: 'ttl', step: 1 }),
    ).toMatchObject({
      ok: true,
      session: { step: 1 },
    })
  })

  it('a class of 30 behind one NAT address gets in although every student mistypes the code three times', async () => {
    const s = await newSession()
    const school = address()
    const students = Array.from({ length: 30 }, (_, i) => `Student ${i + 1}`)
    for (const name of students) {
      // The join page looks the code up first: three typos, then the right code.
      for (let typo = 0; typo < 3; typo++) expect(await lookUp(await wrongCode(), school)).toBe(404)
      expect(await lookUp(s.code, school)).toBe(200)
      const phone = await openClient(t.url, { from: school })
      const joined = await phone.ask('session:join', { code: s.code, name })
      expect(joined, name).toMatchObject({ ok: true, participant: { name } })
    }
    expect((await t.app.sessions.participants(s.code)).map((p) => p.name)).toEqual(students)
  })

  it('forged host secrets from one address get E_LIMIT after a few tries, while the right secret still works from there', async () => {
    const s = await newSession()
    const eve = address()
    const client = await openClient(t.url, { from: eve })
    const answers: string[] = []
    for (let i = 0; i < SECRET_BURST_PER_ADDRESS + 2; i++) {
      const res = await client.ask(i % 2 ? 'session:host' : 'session:control', {
        code: s.code,
        secret: forged(),
        op: 'end',
      })
      answers.push(res.ok ? 'ok' : res.error.code)
    }
    expect(answers.slice(0, SECRET_BURST_PER_ADDRESS)).toEqual(Array(SECRET_BURST_PER_ADDRESS).fill('E_FORBIDDEN'))
    expect(answers.slice(SECRET_BURST_PER_ADDRESS)).toEqual(['E_LIMIT', 'E_LIMIT'])
    // An unknown code from there is refused alike: the refusal does not tell whether a code exists.
    expect(await client.ask('session:host', { code: await wrongCode(), secret: forged() })).toMatchObject({
      ok: false,
      error: { code: 'E_LIMIT' },
    })

    // The host shares the address (same school): the right secret is let in, and the session was never ended.
    const host = await openClient(t.url, { from: eve })
    expect(await host.ask('session:host', { code: s.code, secret: s.secret })).toMatchObject({
      ok: true,
      session: { endedAt: null },
    })
    expect(await host.ask('session:control', { code: s.code, secret: s.secret, op: 'poll-clear' })).toMatchObject({
      ok: true,
    })
  })

  it('a brute force on one session spread over many addresses is held back for that session, over the socket and HTTP', async () => {
    const s = await newSession()
    const other = await newSession()
    const perAddress = SECRET_BURST_PER_ADDRESS / 2
    for (let a = 0; a < SECRET_BURST_PER_SESSION / perAddress; a++) {
      const bot = await openClient(t.url, { from: address() })
      for (let i = 0; i < perAddress; i++)
        expect(await bot.ask('session:host', { code: s.code, secret: forged() })).toMatchObject({
          ok: false,
          error: { code: 'E_FORBIDDEN' },
        })
    }
    // A new address, with its own budget untouched, is refused on this session…
    const fresh = await openClient(t.url, { from: address() })
    expect(await fresh.ask('session:host', { code: s.code, secret: forged() })).toMatchObject({
      ok: false,
      error: { code: 'E_LIMIT' },
    })
    const http = await request(t.url, 'POST', `/api/rooms/${s.room}/actions`, {
      json: { lab: 'ttl', action: 'read', userId: 1 },
      headers: { 'x-host-secret': forged() },
    })
    expect(http.status).toBe(429)
    expect(http.body).toMatchObject({ error: { code: 'E_LIMIT' } })
    // …but not on another session,
    expect(await fresh.ask('session:host', { code: other.code, secret: forged() })).toMatchObject({
      ok: false,
      error: { code: 'E_FORBIDDEN' },
    })
    // and the host's right secret works from anywhere, over the socket and over HTTP.
    const host = await openClient(t.url, { from: address() })
    expect(await host.ask('session:host', { code: s.code, secret: s.secret })).toMatchObject({ ok: true })
    const asHost = await request(t.url, 'POST', `/api/rooms/${s.room}/actions`, {
      json: { lab: 'ttl', action: 'read', userId: 1 },
      headers: { 'x-host-secret': s.secret },
    })
    expect(asHost.status).toBe(200)
  })

  it("a participant coming back, and the host's and participants' session pages, are not held back by their address's spent guesses", async () => {
    const s = await newSession()
    const school = address()
    const ada = await openClient(t.url, { from: school })
    const joined = await ada.ask('session:join', { code: s.code, name: 'Ada' })
    if (!joined.ok) throw new Error(joined.error.message)
    const id = joined.participant!.id
    await guessCodes(school, GUESS_BURST)
    ada.socket.disconnect()

    // Over the socket: Ada comes back with her id; a newcomer with the right code is still refused.
    const back = await openClient(t.url, { from: school })
    expect(await back.ask('session:join', { code: s.code, name: 'Ada', participant: id })).toMatchObject({
      ok: true,
      participant: { id, name: 'Ada' },
    })
    const newcomer = await openClient(t.url, { from: school })
    expect(await newcomer.ask('session:join', { code: s.code, name: 'Bob' })).toMatchObject({
      ok: false,
      error: { code: 'E_LIMIT' },
    })
    const impostor = await openClient(t.url, { from: school })
    expect(
      await impostor.ask('session:join', { code: s.code, name: 'Ada', participant: 'f'.repeat(24) }),
    ).toMatchObject({
      ok: false,
      error: { code: 'E_LIMIT' },
    })

    // Over HTTP, as the session page loads: the host's secret and Ada's id are proof, a forged one is not.
    expect(await lookUp(s.code, school)).toBe(429)
    expect(await lookUp(s.code, school, { 'x-host-secret': s.secret })).toBe(200)
    expect(await lookUp(s.code, school, { 'x-participant': id })).toBe(200)
    expect(await lookUp(s.code, school, { 'x-host-secret': forged() })).toBe(429)
    expect(await lookUp(s.code, school, { 'x-participant': 'f'.repeat(24) })).toBe(429)
    expect(await lookUp(await wrongCode(), school, { 'x-host-secret': s.secret })).toBe(429)
    expect(await lookUp(s.code, school, { 'x-participant': 'not an id' })).toBe(400)
  })
})
