/**
 * The chaos run's stand-ins for browsers: socket.io clients exactly like the lab page's (WebSocket, same
 * messages). Watchers join the room and record what a page would show (status changes, timeline events);
 * the driver fires the lab's reads at a steady rate and records every answer.
 */
import { performance } from 'node:perf_hooks'
import { io, type Socket } from 'socket.io-client'
import type { LabEvent } from '../../lib/events'
import type { ClientToServerEvents, ServerToClientEvents, ServiceStatus } from '../../lib/protocol'

type LabSocket = Socket<ServerToClientEvents, ClientToServerEvents>

export interface Watcher {
  /** Status messages, with the local time they arrived. */
  statuses: { at: number; status: ServiceStatus }[]
  /** Timeline events with the local time their batch arrived. */
  events: { at: number; event: LabEvent }[]
  close(): void
}

function connect(url: string): Promise<LabSocket> {
  const socket: LabSocket = io(url, { transports: ['websocket'], forceNew: true, reconnection: true })
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket))
    socket.once('connect_error', reject)
  })
}

function ask(socket: LabSocket, event: keyof ClientToServerEvents, msg: unknown, timeoutMs: number): Promise<{ ok: boolean; [k: string]: unknown } | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), timeoutMs)
    ;(socket.emit as (e: string, m: unknown, a: (r: never) => void) => void)(event, msg, (res) => {
      clearTimeout(timer)
      resolve(res)
    })
  })
}

export async function openWatcher(url: string, room: string): Promise<Watcher> {
  const socket = await connect(url)
  const watcher: Watcher = { statuses: [], events: [], close: () => void socket.disconnect() }
  socket.on('status', (status) => void watcher.statuses.push({ at: performance.now(), status }))
  socket.on('events:batch', (batch) => {
    const at = performance.now()
    for (const event of batch.events) watcher.events.push({ at, event })
  })
  const joined = await ask(socket, 'room:join', { room }, 10_000)
  if (!joined?.ok) throw new Error(`a watcher could not join room ${room}: ${JSON.stringify(joined)}`)
  return watcher
}

export interface ReadAnswer {
  sentAt: number
  /** Undefined when no answer came within the driver's patience. */
  answeredAt?: number
  ok?: boolean
  from?: string
  /** The error's code and message when the read failed. */
  code?: string
  message?: string
}

export interface Driver {
  answers: ReadAnswer[]
  /** Stops firing and waits for the answers still on their way. */
  stop(): Promise<void>
  close(): void
}

/** Fires one lab read every `everyMs`, over `users` users in turn, without waiting for the previous one. */
export async function startDriver(url: string, room: string, opts: { everyMs: number; users: number; patienceMs: number }): Promise<Driver> {
  const socket = await connect(url)
  const joined = await ask(socket, 'room:join', { room }, 10_000)
  if (!joined?.ok) throw new Error(`the driver could not join room ${room}`)
  const answers: ReadAnswer[] = []
  const inflight = new Set<Promise<void>>()
  let i = 0
  const fire = () => {
    const answer: ReadAnswer = { sentAt: performance.now() }
    answers.push(answer)
    const userId = 1 + (i++ % opts.users)
    const p = ask(socket, 'action', { room, lab: 'ttl', action: 'read', userId }, opts.patienceMs).then((res) => {
      if (!res) return
      answer.answeredAt = performance.now()
      answer.ok = res.ok && (res.result as { ok?: boolean } | undefined)?.ok !== false
      const result = res.result as { from?: string; error?: string } | undefined
      answer.from = result?.from
      const error = (res.error ?? (result?.error ? { code: 'E_RESULT', message: result.error } : undefined)) as { code?: string; message?: string } | undefined
      answer.code = error?.code
      answer.message = error?.message
    })
    inflight.add(p)
    void p.finally(() => inflight.delete(p))
  }
  const timer = setInterval(fire, opts.everyMs)
  return {
    answers,
    async stop() {
      clearInterval(timer)
      await Promise.all([...inflight])
    },
    close: () => void socket.disconnect(),
  }
}
