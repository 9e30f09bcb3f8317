/**
 * socket.io on the app's HTTP server. A browser joins its room, replays what it missed from the room's
 * stream, then receives the room's event batches live; it sends actions and inspection requests with acks.
 * Every message is validated; a socket can only read from and act in rooms it joined; actions are rate
 * limited per socket. Errors come back in the ack as `{ ok: false, error: { code, message, issues? } }`.
 */
import type { Server as HttpServer } from 'node:http'
import { Server, type Socket } from 'socket.io'
import { z } from 'zod'
import type { LabEvent } from '../../lib/events'
import {
  ActionMessage,
  InspectMessage,
  JoinMessage,
  ReplayMessage,
  type Ack,
  type ApiError,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type ServiceStatus,
} from '../../lib/protocol'
import type { Engine } from '../engine/engine'
import { LabError, errors, issuesOf } from '../engine/errors'
import { findProtoKey } from '../api/json-guard'
import { logger } from '../log'
import { TokenBucket } from './rate-limit'

const log = logger('socket')

interface SocketData {
  rooms: Set<string>
  bucket: TokenBucket
}

export type LabServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>
type LabSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>

export interface SocketOptions {
  maxMessageBytes: number
  /** Actions a socket may send per second, and in a burst. */
  actionsPerSecond?: number
  actionBurst?: number
}

export function createSocketServer(httpServer: HttpServer, opts: SocketOptions): LabServer {
  return new Server(httpServer, { maxHttpBufferSize: opts.maxMessageBytes, serveClient: false })
}

export function attachHandlers(io: LabServer, engine: Engine, status: () => ServiceStatus, opts: SocketOptions): void {
  io.on('connection', (socket: LabSocket) => {
    socket.data.rooms = new Set()
    socket.data.bucket = new TokenBucket(opts.actionsPerSecond ?? 20, opts.actionBurst ?? 40)
    socket.emit('status', status())

    on(socket, 'room:join', JoinMessage, async ({ room }) => {
      const live = await engine.room(room)
      if (!socket.data.rooms.has(room)) {
        // Join before anything is read, so no batch recorded from now on can be missed (see recorder.ts).
        await socket.join(room)
        socket.data.rooms.add(room)
        live.room.viewers += 1
      }
      return { room: await engine.info(live) }
    })

    on(socket, 'events:replay', ReplayMessage, async ({ room, after, limit }) => {
      member(socket, room)
      return engine.replay(room, after, limit)
    })

    on(socket, 'action', ActionMessage, async (msg) => {
      member(socket, msg.room)
      if (!socket.data.bucket.take()) throw errors.tooMany('Too many actions from this browser; slow down a little.')
      return { result: await engine.act(msg.room, msg as { lab: string; action: string }, 'you') }
    })

    on(socket, 'inspect', InspectMessage, async ({ room }) => {
      member(socket, room)
      return engine.inspect(room)
    })

    socket.on('disconnect', () => {
      // Only rooms still loaded: looking one up would load (and revive) a room that is being cleaned up.
      for (const room of socket.data.rooms) {
        const live = engine.rooms.peek(room)
        if (live) live.room.viewers = Math.max(0, live.room.viewers - 1)
      }
    })
  })
}

/** Sends a batch of events to a room's browsers; skipped when nobody is watching. */
export function emitBatch(io: LabServer, room: string, events: LabEvent[]): void {
  if (!io.sockets.adapter.rooms.get(room)?.size) return
  io.to(room).emit('events:batch', { room, events })
}

function member(socket: LabSocket, room: string): void {
  if (!socket.data.rooms.has(room)) {
    throw new LabError('E_NOT_JOINED', 403, `Join room "${room}" before using it.`)
  }
}

/** Registers a handler that validates its message and always answers the ack, with a result or an error. */
function on<E extends keyof ClientToServerEvents, S extends z.ZodType, R extends object>(
  socket: LabSocket,
  event: E,
  schema: S,
  handler: (msg: z.output<S>) => Promise<R>,
): void {
  const listener = (msg: unknown, ack: unknown) => {
    const reply = typeof ack === 'function' ? (ack as (res: Ack<R>) => void) : () => {}
    const proto = findProtoKey(msg)
    if (proto) {
      reply({ ok: false, error: { code: 'E_INVALID', message: 'A "__proto__" key is not allowed.', issues: [{ path: proto, message: 'not allowed' }] } })
      return
    }
    const parsed = schema.safeParse(msg)
    if (!parsed.success) {
      reply({ ok: false, error: { code: 'E_INVALID', message: `Invalid ${event} message`, issues: issuesOf(parsed.error) } })
      return
    }
    handler(parsed.data).then(
      (result) => reply({ ok: true, ...result }),
      (err: unknown) => reply({ ok: false, error: toApiError(err) }),
    )
  }
  socket.on(event, listener as never)
}

function toApiError(err: unknown): ApiError {
  if (err instanceof LabError) {
    return { code: err.code, message: err.message, ...(err.extra.issues ? { issues: err.extra.issues } : {}) }
  }
  log.error('unexpected socket handler error', err)
  return { code: 'E_INTERNAL', message: 'Something went wrong on the server; it has been logged.' }
}
