/**
 * Classroom sessions over the socket. The host proves itself with the secret its browser holds and drives:
 * which lab and step everyone sees, whether participants may fire, polls. Participants join
 * with the code and a display name, follow along, answer polls, and (when allowed) fire real requests into
 * the lab, attributed to them by name and rate limited. Presence is everyone connected to the session, on
 * any instance.
 */
import { randomBytes } from 'node:crypto'
import type { z } from 'zod'
import { findLab } from '../../lib/labs/catalogue'
import { LIMITS } from '../../lib/limits'
import { AnswerMessage, ControlMessage, FireMessage, HostMessage, JoinSessionMessage, type ClientToServerEvents } from '../../lib/protocol'
import { metricValue, optionFor, type Presence, type SessionState } from '../../lib/session'
import { errors } from '../engine/errors'
import { logger } from '../log'
import { enterRoom, type LabServer, type LabSocket, type SocketDeps } from './index'
import { TokenBucket } from '../limits/token-bucket'

const log = logger('session')
const sessionRoom = (code: string) => `session:${code}`

type On = <E extends keyof ClientToServerEvents, S extends z.ZodType, R extends object>(
  socket: LabSocket,
  event: E,
  schema: S,
  handler: (msg: z.output<S>) => Promise<R>,
) => void

export function attachSessionHandlers(io: LabServer, socket: LabSocket, deps: SocketDeps, on: On): void {
  const { sessions, router, engine } = deps

  on(socket, 'session:host', HostMessage, async ({ code, secret }) => {
    // Not through the code guard: the right secret is never refused (checkHost counts failures itself).
    const state = await sessions.checkHost(code, secret, socket.handshake.address)
    socket.data.session = { code, role: 'host', fires: newFireBucket() }
    await socket.join(sessionRoom(code))
    const room = await router.info(state.room)
    await enterRoom(socket, engine, state.room, 'host')
    schedulePresence(io, code)
    return { session: state, room, presence: await presenceOf(io, code) }
  })

  on(socket, 'session:join', JoinSessionMessage, async ({ code, name, participant: id }) => {
    // Someone coming back with their participant id is not held back by other people's wrong codes.
    const state = await sessions.lookup(code, socket.handshake.address, { participant: id })
    if (state.endedAt) throw errors.unknownSession(code)
    const participant = await sessions.join(code, name, id)
    socket.data.session = { code, role: 'participant', participant: { id: participant.id, name: participant.name }, fires: newFireBucket() }
    await socket.join(sessionRoom(code))
    const room = await router.info(state.room)
    await enterRoom(socket, engine, state.room, 'participant')
    schedulePresence(io, code)
    return { session: state, room, participant: { id: participant.id, name: participant.name }, presence: await presenceOf(io, code) }
  })

  on(socket, 'session:control', ControlMessage, async (msg) => {
    const current = await sessions.checkHost(msg.code, msg.secret, socket.handshake.address)
    let next: SessionState
    switch (msg.op) {
      case 'view':
        if (!findLab(msg.lab)) throw errors.invalid(`No lab "${msg.lab}".`)
        next = await sessions.update(msg.code, (s) => ({ ...s, lab: msg.lab, step: msg.step }))
        break
      case 'participation':
        next = await sessions.update(msg.code, (s) => ({ ...s, participation: msg.participation }))
        break
      case 'poll-open':
        next = await sessions.update(msg.code, (s) => ({
          ...s,
          poll: {
            id: randomBytes(6).toString('hex'),
            question: msg.question,
            options: msg.options,
            metric: msg.metric,
            open: true,
            baseline: null,
            outcome: null,
            tally: msg.options.map(() => 0),
          },
        }))
        break
      case 'poll-close': {
        if (!current.poll) throw errors.invalid('There is no poll to close.')
        // The measurement starts now: the demo that follows is what the poll predicted.
        const baseline = current.poll.metric ? metricValue(await router.metrics(current.room), current.poll.metric) : null
        next = await sessions.update(msg.code, (s) => (s.poll ? { ...s, poll: { ...s.poll, open: false, baseline } } : s))
        break
      }
      case 'poll-reveal': {
        const poll = current.poll
        if (!poll || poll.open) throw errors.invalid('Close the poll and run the demo first.')
        const value = poll.metric && poll.baseline !== null ? metricValue(await router.metrics(current.room), poll.metric) - poll.baseline : 0
        next = await sessions.update(msg.code, (s) =>
          s.poll ? { ...s, poll: { ...s.poll, outcome: { value, option: poll.metric ? optionFor(poll.options, value) : null } } } : s,
        )
        break
      }
      case 'poll-clear':
        next = await sessions.update(msg.code, (s) => ({ ...s, poll: null }))
        break
      case 'end':
        await sessions.end(msg.code)
        next = await sessions.state(msg.code)
        break
    }
    io.to(sessionRoom(msg.code)).emit('session:state', next)
    return { session: next }
  })

  on(socket, 'session:answer', AnswerMessage, async ({ code, option }) => {
    const me = socket.data.session
    if (!me || me.code !== code || me.role !== 'participant' || !me.participant) throw errors.forbidden('Join the session to answer.')
    const state = await sessions.state(code)
    if (!state.poll?.open) throw errors.invalid('The poll is closed.')
    await sessions.answer(code, state.poll, me.participant.id, option)
    scheduleTally(io, deps, code)
    return { option }
  })

  on(socket, 'session:fire', FireMessage, async ({ code }) => {
    const me = socket.data.session
    if (!me || me.code !== code || me.role !== 'participant' || !me.participant) throw errors.forbidden('Join the session to take part.')
    const state = await sessions.state(code)
    if (state.participation !== 'fire') throw errors.forbidden('The host has not opened the lab to the class.')
    if (!me.fires.take()) throw errors.tooMany('Easy: a few presses a second is plenty.')
    const call = findLab(state.lab)?.classAction
    if (!call) throw errors.invalid('This lab has nothing for the class to fire.')
    const body = { lab: state.lab, action: call.action, ...(call.params ?? {}) }
    // Every request carries the participant's name, so the timeline says who fired it.
    const results = await Promise.allSettled(
      Array.from({ length: LIMITS.requestsPerFire }, () => router.act(state.room, body, 'participant', me.participant!.name)),
    )
    return { sent: results.filter((r) => r.status === 'fulfilled').length }
  })
}

/** A socket left: tell the session who is still there. */
export function sessionLeft(io: LabServer, socket: LabSocket, _deps: SocketDeps): void {
  const code = socket.data.session?.code
  if (code) schedulePresence(io, code)
}

function newFireBucket(): TokenBucket {
  return new TokenBucket(LIMITS.participantFiresPerSecond, LIMITS.participantFireBurst)
}

/** Everyone connected to the session (on every instance): count and participants' names. */
async function presenceOf(io: LabServer, code: string): Promise<Presence> {
  const sockets = await io.in(sessionRoom(code)).fetchSockets()
  // One entry per participant, however many tabs they have open.
  const byId = new Map<string, string>()
  for (const s of sockets) {
    const p = s.data.session?.role === 'participant' ? s.data.session.participant : undefined
    if (p) byId.set(p.id, p.name)
  }
  return { count: byId.size, names: [...byId.values()] }
}

/**
 * Presence goes out at most every PRESENCE_MS per session, after the change that asked for it, so the last
 * change is always sent. Sent at once for every join, a class of N arriving sent each of them the whole list
 * N times: 1000 participants took 131 s to join over two instances (bench/classroom-cluster.ts). The joiner
 * gets the presence in its ack meanwhile.
 */
export const PRESENCE_MS = 250
const presenceTimers = new Map<string, NodeJS.Timeout>()
function schedulePresence(io: LabServer, code: string): void {
  if (presenceTimers.has(code)) return
  const timer = setTimeout(() => {
    presenceTimers.delete(code)
    void presenceOf(io, code)
      .then((presence) => io.to(sessionRoom(code)).emit('session:presence', presence))
      .catch((err: unknown) => log.debug(`presence for ${code} failed: ${(err as Error).message}`))
  }, PRESENCE_MS)
  timer.unref()
  presenceTimers.set(code, timer)
}

/** Poll tallies go out at most every 250 ms per session, however many answers arrive. */
const tallyTimers = new Map<string, NodeJS.Timeout>()
function scheduleTally(io: LabServer, deps: SocketDeps, code: string): void {
  if (tallyTimers.has(code)) return
  tallyTimers.set(
    code,
    setTimeout(() => {
      tallyTimers.delete(code)
      void (async () => {
        const state = await deps.sessions.state(code)
        if (!state.poll) return
        const tally = await deps.sessions.tally(code, state.poll)
        const next = await deps.sessions.update(code, (s) => (s.poll ? { ...s, poll: { ...s.poll, tally } } : s))
        io.to(sessionRoom(code)).emit('session:state', next)
      })().catch((err) => log.debug(`tally for ${code} failed: ${(err as Error).message}`))
    }, 250),
  )
}
