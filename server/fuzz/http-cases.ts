/**
 * Malformed HTTP requests against the API: mutated action bodies, text that is not JSON or not UTF-8,
 * bodies over the size limit, wrong content types and methods, unknown and malformed room ids, bad query
 * strings. Every one should get a 4xx with a JSON error (a mutation can happen to stay valid: a 2xx).
 */
import { randomBytes } from 'node:crypto'
import type { Rng } from './random'
import { hostileText, mutate } from './values'

export interface HttpCase {
  kind: string
  method: string
  path: string
  headers: Record<string, string>
  body?: Buffer
}

const ACTION_BASES: Record<string, unknown>[] = [
  { lab: 'ttl', action: 'read', userId: 1 },
  { lab: 'ttl', action: 'update', userId: 2, name: 'Grace' },
  { lab: 'ttl', action: 'setTtl', seconds: 5 },
  { lab: 'ttl', action: 'dbLatency', ms: 0, jitterMs: 0 },
  { lab: 'ttl', action: 'expire', userId: 1 },
  { lab: 'event-driven', action: 'write', server: 'app1', userId: 1 },
  { lab: 'delete-vs-update', action: 'read', userId: 1 },
]

const json = (): Record<string, string> => ({ 'content-type': 'application/json' })
const encode = (v: unknown) => Buffer.from(JSON.stringify(v) ?? 'undefined')

export function httpCase(rng: Rng, room: string, maxBody: number): HttpCase {
  const actions = `/api/rooms/${room}/actions`
  switch (rng.int(0, 11)) {
    case 0:
    case 1:
    case 2:
      return { kind: 'mutated action', method: 'POST', path: actions, headers: json(), body: encode(mutate(rng, rng.pick(ACTION_BASES))) }
    case 3:
      return { kind: 'not JSON', method: 'POST', path: actions, headers: json(), body: Buffer.from(rng.pick(BAD_JSON)) }
    case 4:
      return { kind: 'not UTF-8', method: 'POST', path: actions, headers: json(), body: Buffer.concat([Buffer.from('{"lab":"ttl","action":"'), randomBytes(rng.int(1, 64)), Buffer.from('"}')]) }
    case 5:
      return {
        kind: 'over the size limit',
        method: 'POST',
        path: actions,
        headers: json(),
        body: Buffer.from(JSON.stringify({ lab: 'ttl', action: 'read', userId: 1, pad: 'x'.repeat(maxBody + rng.int(1, maxBody)) })),
      }
    case 6:
      return {
        kind: 'wrong content type',
        method: 'POST',
        path: actions,
        headers: rng.chance(0.5) ? { 'content-type': rng.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/jsonx']) } : {},
        body: encode({ lab: 'ttl', action: 'read', userId: 1 }),
      }
    case 7: {
      const bad = rng.chance(0.5) ? unknownRoom(rng) : rng.pick(BAD_ROOM_IDS)
      const sub = rng.pick(['actions', 'events', 'metrics', 'inspect', ''])
      const method = sub === 'actions' ? 'POST' : 'GET'
      return { kind: 'unknown or malformed room', method, path: `/api/rooms/${bad}${sub ? `/${sub}` : ''}`, headers: json(), body: method === 'POST' ? encode(ACTION_BASES[0]) : undefined }
    }
    case 8: {
      const after = rng.pick(['-1', 'abc', '1e99', '', '0x10', '1.5', String(2 ** 60), '0&after=1'])
      const limit = rng.pick(['0', '-5', '999999', 'x', '2001', ''])
      return { kind: 'bad query', method: 'GET', path: `/api/rooms/${room}/events?after=${encodeURIComponent(after)}&limit=${encodeURIComponent(limit)}`, headers: {} }
    }
    case 9:
      return {
        kind: 'wrong method',
        method: rng.pick(['PUT', 'DELETE', 'PATCH']),
        path: rng.pick([actions, '/api/rooms', '/api/labs', `/api/rooms/${room}`, '/api/sessions', '/api/health']),
        headers: json(),
        body: encode({}),
      }
    case 10: {
      const path = rng.pick([
        `/api/labs/${encodeURIComponent(hostileText(rng))}/source`,
        `/api/sessions/${encodeURIComponent(hostileText(rng))}`,
        '/api/labs/..%2F..%2Fpackage.json/source',
        `/api/${'a/'.repeat(rng.int(1, 200))}`,
        '/api/rooms/%ZZ',
      ])
      return { kind: 'odd path', method: 'GET', path, headers: {} }
    }
    default:
      return {
        kind: rng.chance(0.5) ? 'mutated new room' : 'mutated new session',
        method: 'POST',
        path: rng.chance(0.5) ? '/api/rooms' : '/api/sessions',
        headers: json(),
        body: encode(mutate(rng, { lab: 'ttl' })),
      }
  }
}

const BAD_JSON = [
  '{',
  '{"lab":"ttl",}',
  "{'lab':'ttl'}",
  '{"lab":NaN}',
  '[1,2',
  'null',
  '"just a string"',
  '12',
  '{"a":1}{"b":2}',
  '\u0000',
  '{"lab":"ttl","action":"read","userId":1',
  '{"lab": "\\ud800"}',
  ' '.repeat(1000),
  '{"__proto__":{"x":1}}',
  '{"constructor":{"prototype":{"x":1}}}',
]

const BAD_ROOM_IDS = ['ABCDEF', 'a', 'x'.repeat(33), '..', '%2e%2e', 'room%00', 'r00m-1', 'lab:x', '*', '0'.repeat(6) + '%20']

function unknownRoom(rng: Rng): string {
  let id = 'fz'
  while (id.length < 16) id += rng.int(0, 35).toString(36)
  return id
}
