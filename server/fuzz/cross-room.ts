/**
 * The fuzz run's cross-room attempts (the README's threat model, probed from outside): a stranger who holds
 * a classroom's room id (a participant does: it comes with the session) but not its host secret tries every
 * HTTP route on it, with no secret and with forged ones; scrapes /metrics for room ids; and, over a socket,
 * replays, inspects, reads metrics of and acts in rooms it never joined. Every attempt must be refused with
 * a clear error, name no session, and leave the rooms untouched.
 */
import { randomBytes } from 'node:crypto'
import { io, type Socket } from 'socket.io-client'

export interface CrossRoomReport {
  attempts: number
  refused: number
}

type Fail = (kind: string, what: string, detail: string) => void

export async function crossRoomAttempts(
  opts: { url: string; victim: string; created?: (what: { room?: string; code?: string }) => void },
  fail: Fail,
): Promise<CrossRoomReport> {
  const report: CrossRoomReport = { attempts: 0, refused: 0 }
  const json = { 'content-type': 'application/json' }
  const made = await fetch(`${opts.url}/api/sessions`, { method: 'POST', headers: json, body: '{}' })
  const session = (await made.json()) as { code: string; room: string; hostSecret: string }
  opts.created?.({ room: session.room, code: session.code })
  const host = { 'x-host-secret': session.hostSecret }
  const read = JSON.stringify({ lab: 'ttl', action: 'read', userId: 1 })
  await fetch(`${opts.url}/api/rooms/${session.room}/actions`, { method: 'POST', headers: { ...json, ...host }, body: read })
  const lastSeq = async () =>
    ((await (await fetch(`${opts.url}/api/rooms/${session.room}`, { headers: host })).json()) as { lastSeq: number }).lastSeq
  const before = await lastSeq()

  const refusedWith = (what: string, status: number, text: string, code: string, want: number) => {
    report.attempts++
    let body: { error?: { code?: string; message?: string } } | undefined
    try {
      body = JSON.parse(text) as typeof body
    } catch {
      body = undefined
    }
    // A forged secret is refused E_FORBIDDEN, or E_LIMIT once this address has spent its wrong secrets.
    const limited = status === 429 && body?.error?.code === 'E_LIMIT'
    if (((status === want && body?.error?.code === code) || limited) && !text.includes(session.code)) report.refused++
    else fail('cross-room: not refused', what, `${status} ${text.slice(0, 200)}`)
  }

  // HTTP, on the classroom's room: no secret, an empty one, forged ones.
  // (Not the secret with spaces around it: HTTP trims header values, so that is the secret itself.)
  const flipped = session.hostSecret.slice(0, -1) + (session.hostSecret.endsWith('a') ? 'b' : 'a')
  const forged = [undefined, '', randomBytes(24).toString('hex'), session.hostSecret.slice(0, -1), flipped, session.hostSecret.toUpperCase()]
  for (const secret of forged) {
    const headers: Record<string, string> = secret === undefined ? {} : { 'x-host-secret': secret }
    for (const [method, path] of [
      ['GET', ''],
      ['GET', '/events'],
      ['GET', '/metrics'],
      ['GET', '/inspect'],
      ['POST', '/actions'],
    ] as const) {
      const res = await fetch(`${opts.url}/api/rooms/${session.room}${path}`, {
        method,
        headers: method === 'POST' ? { ...json, ...headers } : headers,
        body: method === 'POST' ? read : undefined,
      })
      refusedWith(`${method} ${path || '/'} with secret ${JSON.stringify(secret)}`, res.status, await res.text(), 'E_FORBIDDEN', 403)
    }
  }

  // /metrics, scraped by anyone: it must name no room.
  const metrics = await (await fetch(`${opts.url}/metrics`)).text()
  report.attempts++
  if (/room="/.test(metrics) || [opts.victim, session.room].some((id) => metrics.includes(id))) {
    fail('cross-room: /metrics names rooms', 'GET /metrics', metrics.slice(0, 200))
  } else report.refused++

  // The socket: rooms it never joined, and the classroom's room by id.
  const socket = await connect(opts.url)
  try {
    for (const room of [opts.victim, session.room]) {
      for (const [event, msg] of [
        ['events:replay', { room, after: 0 }],
        ['inspect', { room }],
        ['metrics', { room }],
        ['action', { room, lab: 'ttl', action: 'read', userId: 1 }],
      ] as const) {
        const reply = await ask(socket, event, msg)
        refusedWith(`socket ${event} on ${room === opts.victim ? 'the victim' : 'the classroom'}`, reply.ok ? 200 : 403, JSON.stringify(reply), 'E_NOT_JOINED', 403)
      }
    }
    const join = await ask(socket, 'room:join', { room: session.room })
    refusedWith('socket room:join on the classroom by id', join.ok ? 200 : 403, JSON.stringify(join), 'E_FORBIDDEN', 403)
  } finally {
    socket.disconnect()
  }

  const after = await lastSeq()
  if (after !== before) fail('cross-room: the classroom was touched', '', `lastSeq ${before} → ${after}`)
  return report
}

function connect(url: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(url, { transports: ['websocket'], forceNew: true, reconnection: false })
    s.once('connect', () => resolve(s))
    s.once('connect_error', reject)
  })
}

function ask(s: Socket, event: string, payload: unknown): Promise<{ ok: boolean; error?: { code: string; message: string } }> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, error: { code: 'NO_ACK', message: 'no ack within 5 s' } }), 5_000)
    s.emit(event, payload, (reply: { ok: boolean }) => {
      clearTimeout(timer)
      resolve(reply)
    })
  })
}
