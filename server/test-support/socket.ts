/** Real socket.io clients against the running test app; each is closed when the current test finishes. */
import { io, type Socket } from 'socket.io-client'
import { onTestFinished } from 'vitest'
import type { LabEvent } from '../../lib/events'
import type { ClientToServerEvents, ServerToClientEvents, ServiceStatus } from '../../lib/protocol'

export type LabClient = Socket<ServerToClientEvents, ClientToServerEvents>

export interface TestClient {
  socket: LabClient
  /** Every 'events:batch' message received, in order. */
  batches: { room: string; events: LabEvent[] }[]
  /** 'lab:state' messages received. */
  states: { room: string; lab: string; state: unknown }[]
  statuses: ServiceStatus[]
  connect(): Promise<void>
  /** Sends a message and resolves with its ack (rejects after a timeout). */
  ask<E extends keyof ClientToServerEvents>(
    event: E,
    msg: unknown,
  ): Promise<Parameters<Parameters<ClientToServerEvents[E]>[1]>[0]>
}

/** `from`: the local address to connect from (any 127.x.y.z on Linux), as another client address would. */
export async function openClient(url: string, opts: { from?: string } = {}): Promise<TestClient> {
  const socket: LabClient = io(url, {
    transports: ['websocket'],
    ...(opts.from ? { localAddress: opts.from } : {}),
    forceNew: true,
    reconnection: false,
    autoConnect: false,
  })
  const client: TestClient = {
    socket,
    batches: [],
    states: [],
    statuses: [],
    connect: () =>
      new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve())
        socket.once('connect_error', reject)
        socket.connect()
      }),
    ask: (event, msg) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ack for ${event} within 10 s`)), 10_000)
        const ack = (res: never) => {
          clearTimeout(timer)
          resolve(res)
        }
        ;(socket.emit as (e: string, m: unknown, a: unknown) => void)(event, msg, ack)
      }),
  }
  socket.on('events:batch', (b) => void client.batches.push(b))
  socket.on('lab:state', (s) => void client.states.push(s))
  socket.on('status', (s) => void client.statuses.push(s))
  onTestFinished(() => void socket.disconnect())
  await client.connect()
  return client
}
