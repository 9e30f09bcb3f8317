/**
 * The HTTP API. Every route validates its input with zod at the top; errors become
 * `{ error: { code, message, issues? } }` with a 4xx status, 503 for a service that is down, or 500 for the
 * unexpected. Who may use which room is checked in room-access.ts (the README's threat model), without Redis.
 */
import { timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import { LAB_ACTIONS } from '../../lib/labs/actions'
import { LABS, findLab } from '../../lib/labs/catalogue'
import { LIMITS } from '../../lib/limits'
import { ActionMessage, RoomId, SessionCode, SessionProof } from '../../lib/protocol'
import type { EngineRouter } from '../cluster/router'
import type { Engine } from '../engine/engine'
import type { ClassroomMarks } from '../sessions/classroom-marks'
import type { SessionStore } from '../sessions/session-store'
import { LabError, errors, issuesOf } from '../engine/errors'
import { isRedisOutage } from '../redis/outage'
import type { Health } from '../health'
import { readJson, sendJson, sendText } from './http'
import { checkRoomAccess } from './room-access'
import { Router, type Ctx } from './router'
import { labSource } from './source'
import { clientAddress } from '../limits/address'
import type { RoomQuota } from '../limits/room-quota'

export interface ApiDeps {
  engine: Engine
  router: EngineRouter
  sessions: SessionStore
  /** Which rooms are classrooms' (the database): room access is checked against it, never against Redis. */
  marks: ClassroomMarks
  health: Health
  /** Operator token for GET /metrics (METRICS_TOKEN); unset: /metrics shows totals only, no room ids. */
  metricsToken?: string
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

export function apiRouter({ engine, router, sessions, marks, health, metricsToken, maxBodyBytes, root, dev, quota }: ApiDeps): Router {
  /** A room id the caller may use: well formed, and for a classroom's room, the host's secret sent with it. */
  const roomFor = async (id: string | undefined, req: Ctx['req']) => {
    const room = parse(RoomId, id, 'room id')
    await checkRoomAccess(marks, room, req.headers['x-host-secret'], { secrets: sessions.secrets, from: req.socket.remoteAddress })
    return room
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
    .on('GET', '/api/rooms/:id', async ({ req, res, params }) => {
      sendJson(res, 200, await router.info(await roomFor(params.id, req)))
    })
    .on('POST', '/api/rooms/:id/actions', async ({ req, res, params }) => {
      parse(RoomId, params.id, 'room id')
      const body = parse(ActionMessage.omit({ room: true }), await readJson(req, maxBodyBytes), 'action body')
      const id = await roomFor(params.id, req)
      const result = await router.act(id, body as { lab: string; action: string }, 'api')
      sendJson(res, 200, { result })
    })
    .on('GET', '/api/rooms/:id/events', async ({ req, res, params, query }) => {
      const id = await roomFor(params.id, req)
      const { after, limit } = parse(EventsQuery, Object.fromEntries(query), 'query')
      await router.info(id) // unknown rooms are a 404, on whichever instance runs them
      sendJson(res, 200, await engine.recorder.replay(id, after, limit))
    })
    .on('GET', '/api/rooms/:id/metrics', async ({ req, res, params }) => {
      sendJson(res, 200, await router.metrics(await roomFor(params.id, req)))
    })
    .on('GET', '/api/rooms/:id/inspect', async ({ req, res, params }) => {
      sendJson(res, 200, await router.inspect(await roomFor(params.id, req)))
    })
    .on('POST', '/api/sessions', async ({ req, res }) => {
      const { lab } = parse(CreateSession, await readJson(req, maxBodyBytes), 'session body')
      if (!findLab(lab)) throw errors.unknownLab(lab, LABS.map((l) => l.id))
      const room = await quota.create(clientAddress(req.socket.remoteAddress), () => engine.createRoom())
      const { code, hostSecret } = await sessions.create(room.id, lab)
      // Unmarked, the room would be open to anyone holding its id: without the mark there is no session.
      await sessions.markRoom(room.id, code).catch(async (err: unknown) => {
        await sessions.remove(code).catch(() => {})
        throw err
      })
      sendJson(res, 201, { code, room: room.id, hostSecret, joinUrl: `/join/${code}`, hostUrl: `/session/${code}/host` }, { location: `/api/sessions/${code}` })
    })
    .on('GET', '/api/sessions/:code', async ({ req, res, params }) => {
      const code = parse(SessionCode, params.code, 'session code')
      // A browser let in before (host or participant) proves it, so other people's wrong codes never lock it out.
      const proof = parse(SessionProof, { secret: req.headers['x-host-secret'], participant: req.headers['x-participant'] }, 'session headers')
      const state = await sessions.lookup(code, req.socket.remoteAddress ?? 'unknown', proof).catch((err: unknown) => {
        throw isRedisOutage(err) ? errors.redisUnreachable('looking up a classroom session', err) : err
      })
      sendJson(res, 200, state)
    })
    .on('GET', '/metrics', ({ req, res }) => {
      const perRoom = metricsToken !== undefined
      if (perRoom && !bearerMatches(req.headers.authorization, metricsToken)) {
        throw new LabError('E_UNAUTHORIZED', 401, 'GET /metrics needs the operator token: send Authorization: Bearer <METRICS_TOKEN>.', {})
      }
      sendText(res, 200, engine.prometheus(perRoom), 'text/plain; version=0.0.4; charset=utf-8')
    })
}

/** Whether an Authorization header carries exactly `Bearer <token>`, compared in constant time. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '')
  const wanted = Buffer.from(token)
  return given.length === wanted.length && timingSafeEqual(given, wanted)
}
