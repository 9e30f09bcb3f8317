/**
 * Routes room calls to the instance that runs the room. With one instance, every call is local. With
 * several sharing one Redis (CLUSTER=true, socket.io's Redis Streams adapter between them), a room's engine
 * runs on exactly one instance (its owner key in Redis says which); a call that arrives elsewhere (a
 * participant's socket on another instance, an API request behind a load balancer) is forwarded to the
 * owner with socket.io's server-side emit and answered from there. Events need no routing: the owner
 * broadcasts them to the room through the adapter, and any instance can replay the room's stream. An owner
 * that died is found by its lapsed heartbeat (see liveness.ts) and its rooms are taken over where asked.
 */
import type { Actor } from '../../lib/events'
import type { InspectResult, MetricsSnapshot, RoomInfo } from '../../lib/protocol'
import type { Engine } from '../engine/engine'
import { LabError } from '../engine/errors'
import { logger } from '../log'
import type { LabServer } from '../socket'

const log = logger('cluster')

export type RoomCall =
  | { op: 'act'; room: string; body: { lab: string; action: string } & Record<string, unknown>; by: Actor; label?: string }
  | { op: 'info'; room: string }
  | { op: 'inspect'; room: string }
  | { op: 'metrics'; room: string }

type Reply = { ok: true; result: unknown } | { ok: false; error: { code: string; status: number; message: string; issues?: unknown } }

export interface InterServerEvents {
  'engine:call': (call: RoomCall, ack: (reply: Reply | null) => void) => void
}

export class EngineRouter {
  private io: LabServer | undefined

  constructor(
    private readonly engine: Engine,
    private readonly clustered: boolean,
  ) {}

  /** Answers calls forwarded by other instances for the rooms this one runs. */
  attach(io: LabServer): void {
    this.io = io
    if (!this.clustered) return
    io.on('engine:call', (call: RoomCall, ack: (reply: Reply | null) => void) => {
      if (!this.engine.rooms.isLive(call.room)) return ack(null)
      this.local(call).then(
        (result) => ack({ ok: true, result }),
        (err: unknown) => ack({ ok: false, error: toReply(err) }),
      )
    })
  }

  act(room: string, body: { lab: string; action: string } & Record<string, unknown>, by: Actor, label?: string): Promise<unknown> {
    return this.call({ op: 'act', room, body, by, label })
  }

  info(room: string): Promise<RoomInfo> {
    return this.call({ op: 'info', room }) as Promise<RoomInfo>
  }

  inspect(room: string): Promise<InspectResult> {
    return this.call({ op: 'inspect', room }) as Promise<InspectResult>
  }

  metrics(room: string): Promise<MetricsSnapshot> {
    return this.call({ op: 'metrics', room }) as Promise<MetricsSnapshot>
  }

  private async call(call: RoomCall): Promise<unknown> {
    try {
      return await this.local(call)
    } catch (err) {
      if (!(err instanceof LabError) || err.code !== 'E_ROOM_ELSEWHERE' || !this.clustered || !this.io) throw err
      return this.forward(call)
    }
  }

  private async local(call: RoomCall): Promise<unknown> {
    switch (call.op) {
      case 'act':
        return this.engine.act(call.room, call.body, call.by, call.label)
      case 'info':
        return this.engine.info(await this.engine.room(call.room))
      case 'inspect':
        return this.engine.inspect(call.room)
      case 'metrics':
        return this.engine.metrics(call.room)
    }
  }

  private async forward(call: RoomCall): Promise<unknown> {
    // socket.io's cluster adapter waits 5 s for the other instances' answers: a forwarded call longer than
    // that (a long demo) still runs on the owner, but this side reports the timeout.
    // An instance that never answers (killed) makes the emit fail after 5 s: the others' replies still count.
    const replies = (await this.io!.serverSideEmitWithAck('engine:call', call).catch(
      (err: { responses?: unknown[] }) => err.responses ?? [],
    )) as (Reply | null)[]
    const reply = replies.find((r) => r !== null)
    if (!reply) {
      // The owner died while we asked (its heartbeat has lapsed by the time the adapter gives up, 5 s): take
      // the room over and answer here. If it is alive after all, this throws E_ROOM_ELSEWHERE again.
      // Debug only: during a failover every call for the room lands here until the takeover (logged by rooms.ts).
      log.debug(`no instance answered for room ${call.room}; trying to take it over`)
      return this.local(call)
    }
    if (reply.ok) return reply.result
    throw new LabError(reply.error.code, reply.error.status, reply.error.message, {
      issues: reply.error.issues as { path: string; message: string }[] | undefined,
    })
  }
}

function toReply(err: unknown): { code: string; status: number; message: string; issues?: unknown } {
  if (err instanceof LabError) return { code: err.code, status: err.status, message: err.message, issues: err.extra.issues }
  log.error('forwarded call failed', err)
  return { code: 'E_INTERNAL', status: 500, message: 'Something went wrong on the server; it has been logged.' }
}
