/**
 * The fuzz run: malformed HTTP requests and socket messages against a running app, while a victim room
 * (another visitor's) is watched. Counts what came back: a clear error (4xx JSON with a code and a
 * message, or an ack `{ ok: false, error }`), an accidental success, a server error, no answer at all.
 * A server error, a missing answer, an uncaught exception or unhandled rejection in the process, or any
 * event in the victim room is a failure; the first few of each are kept with the case that caused them.
 */
import http from 'node:http'
import { io, type Socket } from 'socket.io-client'
import type { LabEvent } from '../../lib/events'
import { crossRoomAttempts, type CrossRoomReport } from './cross-room'
import { httpCase, type HttpCase } from './http-cases'
import { Rng } from './random'
import { socketCase, type SocketCase } from './socket-cases'

export interface FuzzOptions {
  url: string
  /** The room the fuzzer aims at (created for it), and the victim room it must never touch. */
  room: string
  victim: string
  httpCount: number
  socketCount: number
  seed: number
  maxBytes: number
  /** Called with rooms and session codes a mutated request happened to create, to clean them up. */
  created?: (what: { room?: string; code?: string }) => void
}

export interface FuzzReport {
  seed: number
  ms: number
  http: { sent: number; clearErrors: number; accepted: number; serverErrors: number; unclear: number; noAnswer: number; byStatus: Record<string, number> }
  socket: { sent: number; clearErrors: number; accepted: number; noAck: number; closedOverSize: number; unknownIgnored: number; unclear: number }
  process: { uncaughtExceptions: number; unhandledRejections: number }
  victim: { eventsDuringRun: number }
  /** Attempts on rooms the caller does not hold (see cross-room.ts), and how many were refused. */
  crossRoom: CrossRoomReport
  failures: { kind: string; what: string; detail: string }[]
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const rng = new Rng(opts.seed)
  const started = performance.now()
  const report: FuzzReport = {
    seed: opts.seed,
    ms: 0,
    http: { sent: 0, clearErrors: 0, accepted: 0, serverErrors: 0, unclear: 0, noAnswer: 0, byStatus: {} },
    socket: { sent: 0, clearErrors: 0, accepted: 0, noAck: 0, closedOverSize: 0, unknownIgnored: 0, unclear: 0 },
    process: { uncaughtExceptions: 0, unhandledRejections: 0 },
    victim: { eventsDuringRun: 0 },
    crossRoom: { attempts: 0, refused: 0 },
    failures: [],
  }
  const fail = (kind: string, what: string, detail: string) => {
    if (report.failures.filter((f) => f.kind === kind).length < 5) report.failures.push({ kind, what: what.slice(0, 300), detail: detail.slice(0, 300) })
  }
  const onUncaught = (err: Error) => {
    report.process.uncaughtExceptions++
    fail('uncaught exception', '', err.stack ?? String(err))
  }
  const onUnhandled = (err: unknown) => {
    report.process.unhandledRejections++
    fail('unhandled rejection', '', (err as Error)?.stack ?? String(err))
  }
  process.on('uncaughtException', onUncaught)
  process.on('unhandledRejection', onUnhandled)

  // The victim: another visitor's room, watched by its own socket for the whole run.
  const watcher = await connect(opts.url)
  const victimEvents: LabEvent[] = []
  watcher.on('events:batch', (b: { room: string; events: LabEvent[] }) => b.room === opts.victim && victimEvents.push(...b.events))
  await ask(watcher, 'room:join', { room: opts.victim })

  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 })
  try {
    await pool(opts.httpCount, 8, async () => {
      const c = httpCase(rng, opts.room, opts.maxBytes)
      report.http.sent++
      const res = await send(opts.url, c, agent).catch((err: Error) => ({ status: 0, body: err.message }))
      report.http.byStatus[res.status] = (report.http.byStatus[res.status] ?? 0) + 1
      if (res.status === 0) {
        report.http.noAnswer++
        fail('http: no answer', describeHttp(c), res.body)
      } else if (res.status >= 500) {
        report.http.serverErrors++
        fail('http: server error', describeHttp(c), res.body)
      } else if (res.body.includes(opts.victim)) {
        // The fuzzer holds only its own room: no answer may name another.
        fail('http: another room named', describeHttp(c), res.body)
      } else if (res.status >= 400) {
        if (isClearError(res.body)) report.http.clearErrors++
        else {
          report.http.unclear++
          fail('http: unclear error', describeHttp(c), `${res.status} ${res.body}`)
        }
      } else {
        report.http.accepted++
        const body = safeJson(res.body) as { id?: string; code?: string; room?: string } | undefined
        if (c.path === '/api/rooms' && body?.id) opts.created?.({ room: body.id })
        if (c.path === '/api/sessions' && body?.code) opts.created?.({ room: body.room, code: body.code })
      }
    })

    const clients = await Promise.all(Array.from({ length: 4 }, () => connect(opts.url)))
    await pool(opts.socketCount, clients.length, async (slot) => {
      const c = socketCase(rng, opts.room, opts.maxBytes)
      report.socket.sent++
      let client = clients[slot]!
      if (!client.connected) client = clients[slot] = await connect(opts.url)
      if (!c.acked) {
        client.emit(c.event, c.payload)
        // Ignored, and the connection is still fine: a known event is answered right after.
        const alive = await ask(client, 'inspect', { room: 'zzzzzz' }).catch(() => undefined)
        if (alive) report.socket.unknownIgnored++
        else fail('socket: unknown event broke the connection', c.event, '')
        return
      }
      const reply = await ask(client, c.event, c.payload).catch((err: Error) => err)
      if (reply instanceof Error) {
        if (c.oversize && !client.connected) report.socket.closedOverSize++
        else {
          report.socket.noAck++
          fail('socket: no ack', describeSocket(c), reply.message)
        }
        return
      }
      if (reply.ok) report.socket.accepted++
      else if (reply.error && typeof reply.error.code === 'string' && typeof reply.error.message === 'string' && reply.error.code !== 'E_INTERNAL')
        report.socket.clearErrors++
      else {
        report.socket.unclear++
        fail('socket: unclear error', describeSocket(c), JSON.stringify(reply).slice(0, 300))
      }
    })
    for (const c of clients) c.disconnect()
    report.crossRoom = await crossRoomAttempts(opts, fail)
    // Anything still in flight for the victim would arrive within a batch interval.
    await new Promise((r) => setTimeout(r, 200))
    report.victim.eventsDuringRun = victimEvents.length
    if (victimEvents.length > 0) fail('victim room touched', '', JSON.stringify(victimEvents.slice(0, 3)))
  } finally {
    agent.destroy()
    watcher.disconnect()
    process.off('uncaughtException', onUncaught)
    process.off('unhandledRejection', onUnhandled)
  }
  report.ms = Math.round(performance.now() - started)
  return report
}

/** Runs `task` `count` times, `width` at a time (each worker gets a slot number). */
async function pool(count: number, width: number, task: (slot: number) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: width }, async (_, slot) => {
      while (next < count) {
        next++
        await task(slot)
      }
    }),
  )
}

function send(base: string, c: HttpCase, agent: http.Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(base)
    const req = http.request(
      { host: url.hostname, port: url.port, method: c.method, path: c.path, agent, headers: { ...c.headers, ...(c.body ? { 'content-length': String(c.body.length) } : {}) } },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (d: Buffer) => chunks.push(d))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
        res.on('error', reject)
      },
    )
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')))
    // The server may answer (413) and close before it has read a large body: that is an answer, not an error.
    req.on('error', reject)
    req.end(c.body)
  })
}

function isClearError(body: string): boolean {
  const parsed = safeJson(body) as { error?: { code?: unknown; message?: unknown } } | undefined
  return typeof parsed?.error?.code === 'string' && typeof parsed.error.message === 'string' && parsed.error.message.length > 0
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function connect(url: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(url, { transports: ['websocket'], forceNew: true, reconnection: false })
    s.once('connect', () => resolve(s))
    s.once('connect_error', reject)
  })
}

type AckReply = { ok: boolean; error?: { code: string; message: string } }

function ask(s: Socket, event: string, payload: unknown): Promise<AckReply> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no ack within 5 s')), 5_000)
    const onClose = () => {
      clearTimeout(timer)
      reject(new Error('connection closed'))
    }
    s.once('disconnect', onClose)
    s.emit(event, payload, (reply: AckReply) => {
      clearTimeout(timer)
      s.off('disconnect', onClose)
      resolve(reply)
    })
  })
}

const describeHttp = (c: HttpCase) => `${c.kind}: ${c.method} ${c.path} ${c.body ? c.body.subarray(0, 160).toString('utf8') : ''}`
const describeSocket = (c: SocketCase) => `${c.kind}: ${c.event} ${JSON.stringify(c.payload)?.slice(0, 160)}`
