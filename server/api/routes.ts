/**
 * The HTTP API. Every route validates its input with zod at the top; errors become
 * `{ error: { code, message, issues? } }` with a 4xx status, or 500 for the unexpected.
 */
import { z } from 'zod'
import { LAB_ACTIONS } from '../../lib/labs/actions'
import { LABS, findLab } from '../../lib/labs/catalogue'
import { LIMITS } from '../../lib/limits'
import { ActionMessage, RoomId } from '../../lib/protocol'
import type { Engine } from '../engine/engine'
import { errors, issuesOf } from '../engine/errors'
import type { Health } from '../health'
import { readJson, sendJson, sendText } from './http'
import { Router } from './router'
import { labSource } from './source'

export interface ApiDeps {
  engine: Engine
  health: Health
  maxBodyBytes: number
  root: string
  dev: boolean
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

export function apiRouter({ engine, health, maxBodyBytes, root, dev }: ApiDeps): Router {
  const roomParam = (id: string | undefined) => parse(RoomId, id, 'room id')
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
      const room = await engine.createRoom()
      sendJson(res, 201, { id: room.id, prefix: room.prefix }, { location: `/api/rooms/${room.id}` })
    })
    .on('GET', '/api/rooms/:id', async ({ res, params }) => {
      const live = await engine.room(roomParam(params.id))
      sendJson(res, 200, await engine.info(live))
    })
    .on('POST', '/api/rooms/:id/actions', async ({ req, res, params }) => {
      const id = roomParam(params.id)
      const body = parse(ActionMessage.omit({ room: true }), await readJson(req, maxBodyBytes), 'action body')
      const result = await engine.act(id, body as { lab: string; action: string }, 'api')
      sendJson(res, 200, { result })
    })
    .on('GET', '/api/rooms/:id/events', async ({ res, params, query }) => {
      const id = roomParam(params.id)
      const { after, limit } = parse(EventsQuery, Object.fromEntries(query), 'query')
      const replay = await engine.replay(id, after, limit)
      sendJson(res, 200, replay)
    })
    .on('GET', '/api/rooms/:id/metrics', async ({ res, params }) => {
      sendJson(res, 200, await engine.metrics(roomParam(params.id)))
    })
    .on('GET', '/api/rooms/:id/inspect', async ({ res, params }) => {
      sendJson(res, 200, await engine.inspect(roomParam(params.id)))
    })
    .on('GET', '/metrics', ({ res }) => {
      sendText(res, 200, engine.prometheus(), 'text/plain; version=0.0.4; charset=utf-8')
    })
}
