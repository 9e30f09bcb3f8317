/**
 * The browser's one socket. Components attach named handlers in effects and remove them on cleanup; requests
 * that expect an answer go through `request`, which turns an error ack into a thrown ApiFailure.
 */
import { io, type Socket } from 'socket.io-client'
import type { Ack, ApiError, ClientToServerEvents, ServerToClientEvents } from './protocol'

export type LabSocket = Socket<ServerToClientEvents, ClientToServerEvents>

let socket: LabSocket | undefined

export function getSocket(): LabSocket {
  // WebSocket first: behind a load balancer it needs no sticky sessions (long-polling, the fallback, does).
  socket ??= io({ autoConnect: true, reconnectionDelayMax: 2000, transports: ['websocket', 'polling'] })
  return socket
}

export class ApiFailure extends Error {
  constructor(readonly error: ApiError) {
    super(error.message)
  }
}

type AckOf<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[1] extends (res: infer R) => void
  ? R
  : never
type Success<R> = R extends Ack<infer T> ? { ok: true } & T : never

/** Sends a message and waits for its ack; rejects on an error ack or when no answer comes in time. */
export async function request<E extends keyof ClientToServerEvents>(
  event: E,
  msg: Parameters<ClientToServerEvents[E]>[0],
  timeoutMs = 10_000,
): Promise<Success<AckOf<E>>> {
  const s = getSocket()
  // socket.io's ack typing does not follow a generic event name; the payload type is checked by the signature.
  const timed = s.timeout(timeoutMs)
  const emit = timed.emitWithAck as (event: string, msg: unknown) => Promise<Ack<object>>
  const res = await emit.call(timed, event, msg)
  if (!res.ok) throw new ApiFailure(res.error)
  return res as Success<AckOf<E>>
}
