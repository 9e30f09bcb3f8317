/**
 * The HTTP API against the running app (port 0, real Redis, private PGlite): every route, and every kind of
 * bad input mapped to a 4xx with a JSON body that says what was wrong; the server keeps serving afterwards.
 */
import { describe, expect, it } from 'vitest'
import { LAB_ACTIONS } from '../../../lib/labs/actions'
import { findLab } from '../../../lib/labs/catalogue'
import { DATA_CLASSES } from '../../../lib/labs/ttl'
import { useTestApp } from '../../test-support/app'
import { postChunked, request, type Reply } from '../../test-support/http'

const t = useTestApp({ database: 'pglite' })

const get = (path: string) => request(t.url, 'GET', path)
const post = (path: string, json: unknown) => request(t.url, 'POST', path, { json })
const act = (room: string, body: Record<string, unknown>) => post(`/api/rooms/${room}/actions`, { lab: 'ttl', ...body })

/** A room made through the API; destroyed with the app. */
async function apiRoom(): Promise<string> {
  const res = await post('/api/rooms', {})
  expect(res.status).toBe(201)
  t.track(res.body.id)
  return res.body.id as string
}

function expectError(res: Reply, status: number, code: string): void {
  expect([res.status, res.body?.error?.code], JSON.stringify(res.body)).toEqual([status, code])
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  expect(typeof res.body.error.message).toBe('string')
  expect(res.body.error.message.length).toBeGreaterThan(0)
}

const issuePaths = (res: Reply) => (res.body.error.issues as { path: string }[]).map((i) => i.path)

describe('reading the service', () => {
  it('GET /api/health reports Redis, the database and keyspace notifications', async () => {
    const res = await get('/api/health')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      ok: true,
      redis: { ok: true },
      db: { ok: true, kind: 'pglite' },
      notifications: true,
    })
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
  })

  it('GET /api/labs lists each lab with its actions (and a JSON Schema for each), demos and questions', async () => {
    const res = await get('/api/labs')
    expect(res.status).toBe(200)
    const ttl = findLab('ttl')!
    const listed = (res.body.labs as { id: string }[]).find((l) => l.id === 'ttl') as unknown as {
      actions: { id: string; label: string; params: { type: string; properties?: object } }[]
      demos: { id: string }[]
      questions: { id: string; demo: string }[]
    }
    expect(listed.actions.map((a) => a.id)).toEqual(Object.keys(LAB_ACTIONS.ttl!))
    for (const a of listed.actions) expect(a.params, a.id).toMatchObject({ type: 'object' })
    expect(listed.actions.find((a) => a.id === 'setTtl')!.params).toMatchObject({ properties: { seconds: {} } })
    expect(listed.demos.map((d) => d.id)).toEqual(ttl.demos.map((d) => d.id))
    expect(listed.questions.map((q) => [q.id, q.demo])).toEqual(ttl.questions.map((q) => [q.id, q.demo]))
  })

  it('GET /api/labs/:lab/source returns the highlighted files with their function ranges', async () => {
    const res = await get('/api/labs/ttl/source')
    expect(res.status).toBe(200)
    const files = res.body.files as { path: string; lines: { t: string }[][]; functions: { name: string }[] }[]
    expect(files.map((f) => f.path)).toEqual(findLab('ttl')!.sources)
    expect(files[0]!.lines.length).toBeGreaterThan(10)
    expect(files[0]!.functions.map((f) => f.name)).toContain('readUser')
    expectError(await get('/api/labs/nolab/source'), 404, 'E_UNKNOWN_LAB')
  })
})

describe('a room through the API', () => {
  it('POST /api/rooms creates a room: 201 with its id and key prefix', async () => {
    const res = await post('/api/rooms', {})
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    t.track(res.body.id)
    expect(res.body).toEqual({ id: expect.stringMatching(/^[a-z0-9]{6,32}$/), prefix: `lab:${res.body.id}:` })
    expect(res.headers.get('location')).toBe(`/api/rooms/${res.body.id}`)
    const info = await get(`/api/rooms/${res.body.id}`)
    expect(info.status).toBe(200)
    expect(info.body).toMatchObject({
      id: res.body.id,
      prefix: `lab:${res.body.id}:`,
      lastSeq: 0,
      firstSeq: 0,
      labs: { ttl: { dataClass: 'warm', ttlSeconds: DATA_CLASSES.warm.labSeconds } },
    })
  })

  it('runs actions, then serves their events, metrics, inspection and Prometheus counters', async () => {
    const room = await apiRoom()
    const read = await act(room, { action: 'read', userId: 1 })
    expect(read.status).toBe(200)
    expect(read.body.result).toMatchObject({ ok: true, from: 'db', version: 1 })
    expect((await act(room, { action: 'read', userId: 1 })).body.result).toMatchObject({ from: 'cache' })
    const updateStarted = Date.now()
    expect((await act(room, { action: 'update', userId: 1, name: 'Grace' })).body.result).toMatchObject({ version: 2 })
    const updateDone = Date.now()
    await t.app.engine.recorder.flush(room)

    const all = await get(`/api/rooms/${room}/events`)
    expect(all.status).toBe(200)
    const seqs = (all.body.events as { seq: number }[]).map((e) => e.seq)
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1))
    expect(all.body).toMatchObject({ firstSeq: 1, lastSeq: seqs.length })
    expect(all.body.events[0]).toMatchObject({
      lane: 'client',
      kind: 'request',
      key: 'user:1',
      data: { action: 'read', by: 'api' },
    })
    const page = await get(`/api/rooms/${room}/events?after=2&limit=3`)
    expect((page.body.events as { seq: number }[]).map((e) => e.seq)).toEqual([3, 4, 5])

    const metrics = await get(`/api/rooms/${room}/metrics`)
    expect(metrics.body).toMatchObject({
      requests: 3,
      hits: 1,
      misses: 1,
      hitRatio: 0.5,
      dbQueries: 1,
      dbWrites: 1,
      staleReads: 0,
    })

    const inspect = await get(`/api/rooms/${room}/inspect`)
    expect(inspect.status).toBe(200)
    expect(inspect.body.truncated).toBe(false)
    expect(inspect.body.keys).toHaveLength(1)
    const key = inspect.body.keys[0]
    expect(key).toMatchObject({ key: 'user:1', type: 'string', version: 1, dbVersion: 2 })
    expect(JSON.parse(key.value)).toMatchObject({ id: 1, version: 1 })
    expect(key.ttlMs).toBeGreaterThan(DATA_CLASSES.warm.labSeconds * 1000 - 10_000)
    expect(key.ttlMs).toBeLessThanOrEqual(DATA_CLASSES.warm.labSeconds * 1000)
    expect(key.staleSince).toBeGreaterThanOrEqual(updateStarted)
    expect(key.staleSince).toBeLessThanOrEqual(updateDone)

    const prom = await get('/metrics')
    expect(prom.status).toBe(200)
    expect(prom.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    // Without METRICS_TOKEN, /metrics is totals over all rooms: it names none (see room-access.test.ts).
    expect(prom.body).not.toContain(room)
    const total = (name: string) => Number(/^(\S+) (\S+)$/m.exec((prom.body as string).split('\n').find((l) => l.startsWith(`${name} `)) ?? '')?.[2])
    expect(total('cachelab_requests_total')).toBeGreaterThanOrEqual(3)
    expect(total('cachelab_db_writes_total')).toBeGreaterThanOrEqual(1)
  })

  it('inspect shows a fresh key as not stale, and a key without a TTL with ttlMs null', async () => {
    const room = await apiRoom()
    await act(room, { action: 'setTtl', seconds: null })
    await act(room, { action: 'read', userId: 2 })
    const inspect = await get(`/api/rooms/${room}/inspect`)
    expect(inspect.body.keys).toEqual([
      expect.objectContaining({ key: 'user:2', version: 1, dbVersion: 1, ttlMs: null, staleSince: null }),
    ])
  })
})

describe('bad input', () => {
  it('validates the events query', async () => {
    const room = await apiRoom()
    for (const [query, path] of [
      ['after=-1', 'after'],
      ['after=abc', 'after'],
      ['after=1.5', 'after'],
      ['limit=0', 'limit'],
      ['limit=2001', 'limit'],
      ['limit=ten', 'limit'],
    ] as const) {
      const res = await get(`/api/rooms/${room}/events?${query}`)
      expectError(res, 400, 'E_INVALID')
      expect(issuePaths(res), query).toEqual([path])
    }
  })

  it('malformed JSON is 400, a body that is not declared JSON 415, an oversize body 413', async () => {
    const room = await apiRoom()
    const path = `/api/rooms/${room}/actions`
    expectError(
      await request(t.url, 'POST', path, { body: '{"lab":"ttl",', headers: { 'content-type': 'application/json' } }),
      400,
      'E_BAD_JSON',
    )
    expectError(
      await request(t.url, 'POST', path, {
        body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'E_BAD_JSON',
    )
    expectError(
      await request(t.url, 'POST', path, {
        body: '{"lab":"ttl","action":"read","userId":1}',
        headers: { 'content-type': 'text/plain' },
      }),
      415,
      'E_UNSUPPORTED_MEDIA_TYPE',
    )
    expectError(await request(t.url, 'POST', path, { body: '{}' }), 415, 'E_UNSUPPORTED_MEDIA_TYPE')
    expectError(
      await request(t.url, 'POST', '/api/rooms', {
        body: 'x=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      415,
      'E_UNSUPPORTED_MEDIA_TYPE',
    )
    const big = JSON.stringify({ lab: 'ttl', action: 'read', userId: 1, pad: 'x'.repeat(70 * 1024) })
    expectError(
      await request(t.url, 'POST', path, { body: big, headers: { 'content-type': 'application/json' } }),
      413,
      'E_TOO_LARGE',
    )
  })

  // Regression guard (F4 in /tmp/test-findings.md, fixed in 81dd880): readJson used to destroy the request
  // of an oversize chunked body, closing the socket before the 413 could be sent (the client saw ECONNRESET).
  it('an oversize chunked body is also a 413 with a JSON error', async () => {
    const room = await apiRoom()
    const chunks = [
      Buffer.from('{"lab":"ttl","action":"read","userId":1,"pad":"'),
      ...Array.from({ length: 20 }, () => Buffer.alloc(8 * 1024, 'x')),
      Buffer.from('"}'),
    ]
    const res = await postChunked(t.url, `/api/rooms/${room}/actions`, chunks)
    expect(res.error).toBeUndefined()
    expect(res.status).toBe(413)
    expect(JSON.parse(res.body ?? '{}')).toMatchObject({ error: { code: 'E_TOO_LARGE' } })
  })

  it('a small chunked body is read normally', async () => {
    const room = await apiRoom()
    const res = await postChunked(t.url, `/api/rooms/${room}/actions`, [
      Buffer.from('{"lab":"ttl",'),
      Buffer.from('"action":"read","userId":3}'),
    ])
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body!)).toMatchObject({ result: { ok: true, from: 'db' } })
  })

  it('unknown rooms, labs and actions are 404 / 400, and a malformed room id is 400', async () => {
    const room = await apiRoom()
    expectError(await act('nosuchroom42', { action: 'read', userId: 1 }), 404, 'E_UNKNOWN_ROOM')
    expectError(await get('/api/rooms/nosuchroom42'), 404, 'E_UNKNOWN_ROOM')
    expectError(await get('/api/rooms/nosuchroom42/events'), 404, 'E_UNKNOWN_ROOM')
    expectError(await get('/api/rooms/nosuchroom42/inspect'), 404, 'E_UNKNOWN_ROOM')
    expectError(await get('/api/rooms/nosuchroom42/metrics'), 404, 'E_UNKNOWN_ROOM')
    expectError(await get('/api/rooms/BAD!id/metrics'), 400, 'E_INVALID')
    expectError(await act(room, { lab: 'nolab', action: 'read' }), 404, 'E_UNKNOWN_LAB')
    expectError(await act(room, { action: 'fly' }), 400, 'E_UNKNOWN_ACTION')
    expectError(await act(room, { action: 'toString' }), 400, 'E_UNKNOWN_ACTION')
    expectError(await act(room, { action: 'demo', id: 'no-such-demo' }), 400, 'E_UNKNOWN_DEMO')
  })

  it('parameters out of range are 400 with the issues, field by field', async () => {
    const room = await apiRoom()
    const cases: [Record<string, unknown>, string[]][] = [
      [{ action: 'setTtl', seconds: 0 }, ['seconds']],
      [{ action: 'setTtl', seconds: 86_401 }, ['seconds']],
      [{ action: 'setTtl', seconds: 2.5 }, ['seconds']],
      [{ action: 'setTtl' }, ['seconds']],
      [{ action: 'load', rps: 21 }, ['rps']],
      [{ action: 'load', rps: 5, users: 0 }, ['users']],
      [{ action: 'load', rps: 5, writeRatio: 0.9 }, ['writeRatio']],
      [{ action: 'dbLatency', ms: 2001 }, ['ms']],
      [{ action: 'dbLatency', ms: 10, jitterMs: -1 }, ['jitterMs']],
      [{ action: 'read', userId: 101 }, ['userId']],
      [{ action: 'update', userId: 1, name: '' }, ['name']],
      [{ action: 'update', userId: 1, name: 'x'.repeat(61) }, ['name']],
      [{ action: 'setDataClass', dataClass: 'lukewarm' }, ['dataClass']],
    ]
    for (const [body, paths] of cases) {
      const res = await act(room, body)
      expectError(res, 400, 'E_INVALID')
      expect(issuePaths(res), JSON.stringify(body)).toEqual(paths)
    }
    const settings = (await get(`/api/rooms/${room}`)).body.labs.ttl
    expect(settings).toMatchObject({ ttlSeconds: DATA_CLASSES.warm.labSeconds, load: { rps: 0 }, dbLatencyMs: 0 })
  })

  it('a body that is not an action object is 400', async () => {
    const room = await apiRoom()
    for (const body of [
      [],
      null,
      'read',
      42,
      {},
      { lab: 'ttl' },
      { action: 'read' },
      { lab: '', action: 'read' },
      { lab: 'ttl', action: 'x'.repeat(33) },
    ]) {
      expectError(await post(`/api/rooms/${room}/actions`, body), 400, 'E_INVALID')
    }
    expectError(await post('/api/rooms', { name: 'extra' }), 400, 'E_INVALID')
  })

  it('rejects a "constructor" key', async () => {
    const room = await apiRoom()
    const body = '{"lab":"ttl","action":"read","userId":1,"constructor":{"prototype":{"polluted":true}}}'
    const res = await request(t.url, 'POST', `/api/rooms/${room}/actions`, {
      body,
      headers: { 'content-type': 'application/json' },
    })
    expectError(res, 400, 'E_INVALID')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  // Regression guard (F3 in /tmp/test-findings.md, fixed in 81dd880): a "__proto__" key used to be dropped
  // silently by zod's looseObject, so the action ran with 200 instead of being rejected.
  it('rejects a "__proto__" key', async () => {
    const room = await apiRoom()
    const body = '{"lab":"ttl","action":"read","userId":1,"__proto__":{"polluted":true,"userId":2}}'
    const res = await request(t.url, 'POST', `/api/rooms/${room}/actions`, {
      body,
      headers: { 'content-type': 'application/json' },
    })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expectError(res, 400, 'E_INVALID')
  })

  it('unknown routes are 404 JSON, wrong methods 405 JSON', async () => {
    const room = await apiRoom()
    expectError(await get('/api/nope'), 404, 'E_NOT_FOUND')
    expectError(await get('/api'), 404, 'E_NOT_FOUND')
    expectError(await get('/api/rooms/x/y/z/w'), 404, 'E_NOT_FOUND')
    expectError(await get('/'), 404, 'E_NOT_FOUND')
    expectError(await get('/api/rooms/%E0%A4%A/events'), 404, 'E_NOT_FOUND')
    expectError(await request(t.url, 'DELETE', '/api/rooms'), 405, 'E_METHOD')
    expectError(await get(`/api/rooms/${room}/actions`), 405, 'E_METHOD')
    expectError(await request(t.url, 'PUT', '/metrics'), 405, 'E_METHOD')
    expectError(await request(t.url, 'POST', '/api/health', { json: {} }), 405, 'E_METHOD')
  })

  it('after all that, the server still serves a new room normally', async () => {
    const room = await apiRoom()
    const res = await act(room, { action: 'read', userId: 9 })
    expect(res.status).toBe(200)
    expect(res.body.result).toMatchObject({ ok: true, from: 'db', version: 1 })
    expect((await get('/api/health')).status).toBe(200)
  })
})
