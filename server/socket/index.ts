/**
 * socket.io on the app's HTTP server. A browser joins its room, replays what it missed from the room's
 * stream, then receives the room's event batches live; it sends actions and inspection requests with acks.
 * Every message is validated; a socket can only read from and act in rooms it joined; actions are rate
 * limited per socket and per address. Errors come back in the ack as `{ ok: false, error: { code, message, issues? } }`.
 */
import type { Server as HttpServer } from 'node:http'
import { Server, type ServerOptions, type Socket } from 'socket.io'
import { z } from 'zod'
import type { LabEvent } from '../../lib/events'
import {
  ActionMessage,
  InspectMessage,
  JoinMessage,
  MetricsMessage,
  ReplayMessage,
  type Ack,
  type ApiError,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type ServiceStatus,
} from '../../lib/protocol'
import type { EngineRouter, InterServerEvents } from '../cluster/router'
import type { Engine } from '../engine/engine'
import { LabError, errors, issuesOf } from '../engine/errors'
import { findProtoKey } from '../api/json-guard'
import { logger } from '../log'
import { isRedisOutage } from '../redis/outage'
import type { SessionStore } from '../sessions/session-store'
import { attachSessionHandlers, sessionLeft } from './sessions'
import { TokenBucket } from '../limits/token-bucket'
import { clientAddress } from '../limits/address'
import type { KeyedBuckets } from '../limits/keyed-buckets'
import { limitErrors } from '../limits/limit-error'

const log = logger('socket')

/** What a socket is in a room: its private room's owner, a classroom's host, or a participant. */
export type Role = 'owner' | 'host' | 'participant'

export interface SocketData {
  rooms: Map<string, Role>
  bucket: TokenBucket
  /** The classroom session this socket is in, and as whom. */
  session?: { code: string; role: 'host' | 'participant'; participant?: { id: string; name: string }; fires: TokenBucket }
}

export type LabServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>
export type LabSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>

export interface SocketOptions {
  maxMessageBytes: number
  /** Actions a socket may send per second, and in a burst. */
  actionsPerSecond?: number
  actionBurst?: number
  /**
   * Actions per visitor address over all its sockets (opening more sockets gives no more); a classroom's host
   * is counted per room instead, so other people behind the same address never slow the host's controls.
   */
  actionsPerAddress?: KeyedBuckets
}

export interface SocketDeps {
  engine: Engine
  router: EngineRouter
  sessions: SessionStore
  status(): ServiceStatus
}

export function createSocketServer(httpServer: HttpServer, opts: SocketOptions & { adapter?: ServerOptions['adapter'] }): LabServer {
  return new Server(httpServer, { maxHttpBufferSize: opts.maxMessageBytes, serveClient: false, adapter: opts.adapter })
}

export function attachHandlers(io: LabServer, deps: SocketDeps, opts: SocketOptions): void {
  const { engine, router } = deps
  io.on('connection', (socket: LabSocket) => {
    socket.data.rooms = new Map()
    socket.data.bucket = new TokenBucket(opts.actionsPerSecond ?? 20, opts.actionBurst ?? 40)
    socket.emit('status', deps.status())

    on(socket, 'room:join', JoinMessage, async ({ room }) => {
      // A classroom's room is entered through its session (host secret or join code), never by id.
      if (!socket.data.rooms.has(room) && (await deps.sessions.sessionOfRoom(room))) {
        throw errors.forbidden('This room belongs to a classroom session: join it with its code.')
      }
      const info = await router.info(room)
      await enterRoom(socket, engine, room, socket.data.rooms.get(room) ?? 'owner')
      return { room: info }
    })

    on(socket, 'events:replay', ReplayMessage, async ({ room, after, limit }) => {
      member(socket, room)
      // Any instance can replay: the stream is in Redis.
      return engine.recorder.replay(room, after, limit)
    })

    on(socket, 'action', ActionMessage, async (msg) => {
      const role = member(socket, msg.room)
      if (role === 'participant') {
        throw errors.forbidden('Only the host runs the lab; press Fire when the host lets the class take part.')
      }
      if (!socket.data.bucket.take()) throw errors.tooMany('Too many actions from this browser; slow down a little.')
      const who = role === 'host' ? `host:${msg.room}` : clientAddress(socket.handshake.address)
      const wait = opts.actionsPerAddress?.take(who) ?? 0
      if (wait > 0) {
        throw limitErrors.yours(`Too many actions from ${role === 'host' ? "this session's host" : 'your address'} over all its tabs.`, wait)
      }
      return { result: await router.act(msg.room, msg as { lab: string; action: string }, role === 'host' ? 'host' : 'you') }
    })

    on(socket, 'inspect', InspectMessage, async ({ room }) => {
      member(socket, room)
      return router.inspect(room)
    })

    on(socket, 'metrics', MetricsMessage, async ({ room }) => {
      member(socket, room)
      return { metrics: await router.metrics(room) }
    })

    attachSessionHandlers(io, socket, deps, on)

    socket.on('disconnect', () => {
      // Only rooms still loaded: looking one up would load (and revive) a room that is being cleaned up.
      for (const room of socket.data.rooms.keys()) {
        const live = engine.rooms.peek(room)
        if (live) live.room.viewers = Math.max(0, live.room.viewers - 1)
      }
      sessionLeft(io, socket, deps)
    })
  })
}

/** Puts a socket in a room (joining the socket.io room first, so no batch recorded from now on is missed). */
export async function enterRoom(socket: LabSocket, engine: Engine, room: string, role: Role): Promise<void> {
  if (socket.data.rooms.has(room)) {
    socket.data.rooms.set(room, role)
    return
  }
  await socket.join(room)
  socket.data.rooms.set(room, role)
  const live = engine.rooms.peek(room)
  if (live) live.room.viewers += 1
}

/**
 * Sends a batch of events to a room's browsers. Alone, an instance skips rooms nobody here watches; in a
 * cluster the viewers may be on other instances, so it always sends (through the adapter).
 */
export function emitBatch(io: LabServer, room: string, events: LabEvent[], clustered = false): void {
  if (!clustered && !io.sockets.adapter.rooms.get(room)?.size) return
  io.to(room).emit('events:batch', { room, events })
}

function member(socket: LabSocket, room: string): Role {
  const role = socket.data.rooms.get(room)
  if (!role) throw new LabError('E_NOT_JOINED', 403, `Join room "${room}" before using it.`)
  return role
}

/** Registers a handler that validates its message and always answers the ack, with a result or an error. */
export function on<E extends keyof ClientToServerEvents, S extends z.ZodType, R extends object>(
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
  // A known Redis outage is the caller's clear 503, not a bug: one log line, no stack.
  if (isRedisOutage(err)) {
    log.warn(`answered E_CACHE_UNAVAILABLE: Redis is unreachable (${(err as Error).message})`)
    err = errors.redisUnreachable('what you asked for', err)
  }
  if (err instanceof LabError) {
    return { code: err.code, message: err.message, ...(err.extra.issues ? { issues: err.extra.issues } : {}) }
  }
  log.error('unexpected socket handler error', err)
  return { code: 'E_INTERNAL', message: 'Something went wrong on the server; it has been logged.' }
}
