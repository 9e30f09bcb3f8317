/**
 * The HTTP API. Every route validates its input with zod at the top; errors become
 * `{ error: { code, message, issues? } }` with a 4xx status, or 500 for the unexpected.
 */
import { z } from 'zod'
import { LAB_ACTIONS } from '../../lib/labs/actions'
import { LABS, findLab } from '../../lib/labs/catalogue'
import { LIMITS } from '../../lib/limits'
import { ActionMessage, RoomId, SessionCode, SessionProof } from '../../lib/protocol'
import type { EngineRouter } from '../cluster/router'
import type { Engine } from '../engine/engine'
import type { SessionStore } from '../sessions/session-store'
import { errors, issuesOf } from '../engine/errors'
import type { Health } from '../health'
import { readJson, sendJson, sendText } from './http'
import { Router } from './router'
import { labSource } from './source'
import { clientAddress } from '../limits/address'
import type { RoomQuota } from '../limits/room-quota'

export interface ApiDeps {
  engine: Engine
  router: EngineRouter
  sessions: SessionStore
  health: Health
  maxBodyBytes: number
  root: string
  dev: boolean
  /** Rooms per address and per instance: every route that creates a room goes through it. */
  quota: RoomQuota
}

const EventsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(LIMITS.replayPage).default(500),
})

function parse<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input)
  if (!result.success) throw errors.invalid(`Invalid ${what}`, issuesOf(result.error))
  return result.data
}

const CreateSession = z.object({ lab: z.string().min(1).max(32).default('ttl') }).strict()

export function apiRouter({ engine, router, sessions, health, maxBodyBytes, root, dev, quota }: ApiDeps): Router {
  const roomParam = (id: string | undefined) => parse(RoomId, id, 'room id')
  /** A classroom's room is run by its host: over HTTP that means the host secret in `x-host-secret`. */
  const mayAct = async (room: string, secret: string | string[] | undefined, from?: string) => {
    const code = await sessions.sessionOfRoom(room)
    if (!code) return
    if (typeof secret !== 'string') throw errors.forbidden('This room belongs to a classroom session: only its host can act (send x-host-secret).')
    await sessions.checkHost(code, secret, from)
  }
  return new Router()
    .on('GET', '/api/health', async ({ res }) => {
      const report = await health.check()
      sendJson(res, report.ok ? 200 : 503, { ...report, notifications: engine.keyspaceNotifications })
    })
    .on('GET', '/api/labs', ({ res }) => {
      sendJson(res, 200, {
        labs: LABS.map((lab) => ({
          id: lab.id,
          title: lab.title,
          tagline: lab.tagline,
          actions: Object.entries(LAB_ACTIONS[lab.id] ?? {}).map(([id, a]) => ({
            id,
            label: a.label,
            summary: a.summary,
            params: z.toJSONSchema(a.params, { io: 'input' }),
          })),
          demos: lab.demos.map((d) => ({ id: d.id, title: d.title })),
          questions: lab.questions.map((q) => ({ id: q.id, question: q.question, demo: q.demo })),
        })),
      })
    })
    .on('GET', '/api/labs/:lab/source', async ({ res, params }) => {
      const lab = findLab(params.lab ?? '')
      if (!lab) throw errors.unknownLab(params.lab ?? '', LABS.map((l) => l.id))
      sendJson(res, 200, { files: await labSource(lab, root, dev) }, dev ? {} : { 'cache-control': 'public, max-age=300' })
    })
    .on('POST', '/api/rooms', async ({ req, res }) => {
      parse(z.object({}).strict(), await readJson(req, maxBodyBytes), 'body (POST /api/rooms takes no fields)')
      const room = await quota.create(clientAddress(req.socket.remoteAddress), () => engine.createRoom())
      sendJson(res, 201, { id: room.id, prefix: room.prefix }, { location: `/api/rooms/${room.id}` })
    })
    .on('GET', '/api/rooms/:id', async ({ res, params }) => {
      sendJson(res, 200, await router.info(roomParam(params.id)))
    })
    .on('POST', '/api/rooms/:id/actions', async ({ req, res, params }) => {
      const id = roomParam(params.id)
      const body = parse(ActionMessage.omit({ room: true }), await readJson(req, maxBodyBytes), 'action body')
      await mayAct(id, req.headers['x-host-secret'], req.socket.remoteAddress)
      const result = await router.act(id, body as { lab: string; action: string }, 'api')
      sendJson(res, 200, { result })
    })
    .on('GET', '/api/rooms/:id/events', async ({ res, params, query }) => {
      const id = roomParam(params.id)
      const { after, limit } = parse(EventsQuery, Object.fromEntries(query), 'query')
      await router.info(id) // unknown rooms are a 404, on whichever instance runs them
      sendJson(res, 200, await engine.recorder.replay(id, after, limit))
    })
    .on('GET', '/api/rooms/:id/metrics', async ({ res, params }) => {
      sendJson(res, 200, await router.metrics(roomParam(params.id)))
    })
    .on('GET', '/api/rooms/:id/inspect', async ({ res, params }) => {
      sendJson(res, 200, await router.inspect(roomParam(params.id)))
    })
    .on('POST', '/api/sessions', async ({ req, res }) => {
      const { lab } = parse(CreateSession, await readJson(req, maxBodyBytes), 'session body')
      if (!findLab(lab)) throw errors.unknownLab(lab, LABS.map((l) => l.id))
      const room = await quota.create(clientAddress(req.socket.remoteAddress), () => engine.createRoom())
      const { code, hostSecret } = await sessions.create(room.id, lab)
      await sessions.markRoom(room.id, code)
      sendJson(res, 201, { code, room: room.id, hostSecret, joinUrl: `/join/${code}`, hostUrl: `/session/${code}/host` }, { location: `/api/sessions/${code}` })
    })
    .on('GET', '/api/sessions/:code', async ({ req, res, params }) => {
      const code = parse(SessionCode, params.code, 'session code')
      // A browser let in before (host or participant) proves it, so other people's wrong codes never lock it out.
      const proof = parse(SessionProof, { secret: req.headers['x-host-secret'], participant: req.headers['x-participant'] }, 'session headers')
      sendJson(res, 200, await sessions.lookup(code, req.socket.remoteAddress ?? 'unknown', proof))
    })
    .on('GET', '/metrics', ({ res }) => {
      sendText(res, 200, engine.prometheus(), 'text/plain; version=0.0.4; charset=utf-8')
    })
}
