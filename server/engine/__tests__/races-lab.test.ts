/**
 * The races lab through the whole app (startApp on port 0, no Next.js), with the real Redis and each database
 * adapter. Each strategy drives the deterministic interleaving step by step; every step's events are compared
 * whole (with the actor that made them), and the outcome is asserted exactly: naive is stale until the TTL,
 * version-checked and leases are fresh, delayed double delete is fresh with a long enough delay and stale
 * with a too short one. Then auto-play, reset, bad input, and the randomised mode.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import type { EventOf, Kind, LabEvent } from '../../../lib/events'
import { roomKeys } from '../../../lib/keys'
import type { RacesLabState, RandomRun } from '../../../lib/labs/races'
import { useTestApp, type TestDatabase } from '../../test-support/app'
import { collect } from '../../test-support/events'
import { sleep, waitUntil } from '../../test-support/env'
import { request } from '../../test-support/http'
import { useRedis } from '../../test-support/redis'

const redis = useRedis('check')

/** `[actor, lane, kind, key, src?]`: who did what where. */
type Row = (string | null)[]
const row = (e: LabEvent): Row => {
  const r: Row = [e.node ?? '-', e.lane, e.kind, e.key ?? null]
  if (e.src !== undefined) r.push(e.src)
  return r
}
const rows = (events: LabEvent[]) => events.map(row)

const U = 'user:1'
const req = (actor: string, ...middle: Row[]): Row[] => [
  [actor, 'client', 'request', U],
  ...middle,
  [actor, 'client', 'response', U],
]

/** The data of the first event of a kind, typed for that kind. */
const data = <K extends Kind>(events: LabEvent[], kind: K): EventOf<K>['data'] | undefined =>
  (events.find((e) => e.kind === kind) as EventOf<K> | undefined)?.data

describe.each(['pglite', 'postgres'] as TestDatabase[])('races lab on %s', (database) => {
  const t = useTestApp({ database })

  async function labRoom() {
    const id = await t.room()
    const c = collect(t.app.engine.recorder, id)
    onTestFinished(() => c.stop())
    const act = async (action: string, params: Record<string, unknown> = {}) => {
      const from = c.last
      const result = (await t.app.engine.act(id, { lab: 'races', action, ...params }, 'you')) as Record<string, unknown>
      return { result, events: c.after(from) }
    }
    const state = () =>
      t.app.engine.rooms
        .all()
        .find((l) => l.room.id === id)!
        .labs.get('races')!
        .state() as RacesLabState
    /** Runs every step of the interleaving; returns each step's events. */
    const runAll = async () => {
      const out: LabEvent[][] = []
      for (let i = state().next; i < state().steps.length; i++) out.push((await act('step')).events)
      return out
    }
    const full = roomKeys(id).full
    const version = async (key: string) => {
      const raw = await redis.check.get(full(key))
      return raw === null ? null : (JSON.parse(raw) as { version: number }).version
    }
    return { id, c, act, state, runAll, full, version }
  }

  /** No notification of the lab's own changes (scripts included) was mistaken for someone else's. */
  async function nothingFromOutside(lab: { c: { events: LabEvent[] } }) {
    await sleep(150)
    expect(lab.c.events.filter((e) => e.src === 'outside')).toEqual([])
  }

  it('naive cache-aside loses the race: A stores v1 after B deleted, C reads stale until the TTL ends it', async () => {
    const lab = await labRoom()
    await lab.act('setTtl', { seconds: 2 })
    expect(lab.state()).toMatchObject({ strategy: 'naive', ttlSeconds: 2, next: 0, outcome: null })
    const steps = await lab.runAll()
    expect(steps.map(rows)).toEqual([
      req('A', ['A', 'cache', 'miss', U]),
      req('A', ['A', 'db', 'query', U]),
      req('B', ['B', 'db', 'update', U]),
      req('B', ['B', 'cache', 'del', U, 'app']),
      req('A', ['A', 'cache', 'set', U, 'app']),
      req('C', ['C', 'cache', 'hit', U], ['C', 'app', 'stale-read', U]),
    ])
    expect(data(steps[1]!, 'query')).toMatchObject({ version: 1 })
    expect(data(steps[2]!, 'update')).toMatchObject({ version: 2 })
    expect(data(steps[3]!, 'del')).toEqual({ existed: false })
    expect(data(steps[4]!, 'set')).toEqual({ ttlMs: 2000, version: 1 })
    expect(data(steps[5]!, 'stale-read')).toMatchObject({ cached: 1, truth: 2 })
    expect(data(steps[0]!, 'request')).toEqual({ action: 'step', by: 'you', label: 'A: GET user:1' })

    const s = lab.state()
    expect(s.outcome).toBe('stale')
    expect(s.next).toBe(6)
    expect(s.steps.map((x) => x.status)).toEqual(Array(6).fill('done'))
    expect(s.steps[4]).toMatchObject({ tone: 'bad', result: 'stored v1 while the database has v2: stale' })
    expect(s.values).toMatchObject({ cache: { version: 1 }, db: 2, aRow: 1, bWrote: 2, tombstone: null, lease: null })
    expect(await lab.version(U)).toBe(1)
    expect(await redis.check.pttl(lab.full(U))).toBeLessThanOrEqual(2000)

    // Nothing deletes it: C reads again, still stale ...
    const again = await lab.act('read')
    expect(rows(again.events)).toEqual(req('C', ['C', 'cache', 'hit', U], ['C', 'app', 'stale-read', U]))
    expect(lab.state().reread).toEqual({ stale: true, version: 1, from: 'cache' })
    // ... until Redis expires it, and the next read is fresh.
    await lab.c.waitFor({ kind: 'expired', key: U }, { afterSeq: again.events.at(-1)!.seq, timeoutMs: 5000 })
    const fresh = await lab.act('read')
    expect(rows(fresh.events)).toEqual(
      req('C', ['C', 'cache', 'miss', U], ['C', 'db', 'query', U], ['C', 'cache', 'set', U, 'app']),
    )
    expect(fresh.result).toMatchObject({ stale: false, from: 'db', version: 2 })
    expect(lab.state().reread).toEqual({ stale: false, version: 2, from: 'db' })
    await nothingFromOutside(lab)
  })

  it('a version-checked fill refuses A’s old row after B’s tombstone-delete; C reads fresh', async () => {
    const lab = await labRoom()
    const set = await lab.act('setStrategy', { strategy: 'versioned' })
    expect(set.result).toMatchObject({ strategy: 'versioned', next: 0 })
    const steps = await lab.runAll()
    expect(steps.map(rows)).toEqual([
      req('A', ['A', 'cache', 'miss', U]),
      req('A', ['A', 'db', 'query', U]),
      req('B', ['B', 'db', 'update', U]),
      req(
        'B',
        ['B', 'cache', 'command', U],
        ['B', 'cache', 'del', U, 'app'],
        ['B', 'cache', 'set', 'tomb:user:1', 'app'],
      ),
      req('A', ['A', 'cache', 'command', U], ['A', 'cache', 'refused', U]),
      req(
        'C',
        ['C', 'cache', 'miss', U],
        ['C', 'db', 'query', U],
        ['C', 'cache', 'command', U],
        ['C', 'cache', 'set', U, 'app'],
      ),
    ])
    expect(data(steps[3]!, 'command')).toMatchObject({ cmd: 'EVAL tombstone-delete', detail: 'tombstone v2' })
    expect(steps[3]!.filter((e) => e.kind === 'set').map((e) => e.data)).toEqual([{ ttlMs: 30_000, version: 2 }])
    expect(data(steps[4]!, 'command')).toMatchObject({ cmd: 'EVAL versioned-fill', detail: 'refused v1' })
    expect(data(steps[4]!, 'refused')).toEqual({ reason: 'older than the delete of v2', version: 1 })
    expect(data(steps[5]!, 'set')).toEqual({ ttlMs: 30_000, version: 2 })
    expect(lab.state()).toMatchObject({
      outcome: 'fresh',
      values: { cache: { version: 2 }, db: 2, tombstone: { version: 2 } },
    })
    expect(lab.state().steps[4]).toMatchObject({ tone: 'good', result: 'refused: older than the delete of v2' })
    expect(await lab.version(U)).toBe(2)
    expect(await redis.check.get(lab.full('tomb:user:1'))).toBe('{"version":2,"tombstone":true}')
    expect(await redis.check.pttl(lab.full('tomb:user:1'))).toBeGreaterThan(25_000)
    await nothingFromOutside(lab)
  })

  it('leases: B’s delete revokes A’s token, A’s fill is rejected, C fills v2 with its own lease', async () => {
    const lab = await labRoom()
    await lab.act('setStrategy', { strategy: 'lease' })
    const steps = await lab.runAll()
    const L = 'lease:user:1'
    expect(steps.map(rows)).toEqual([
      req('A', ['A', 'cache', 'command', U], ['A', 'cache', 'miss', U], ['A', 'cache', 'lease', L]),
      req('A', ['A', 'db', 'query', U]),
      req('B', ['B', 'db', 'update', U]),
      req('B', ['B', 'cache', 'command', U], ['B', 'cache', 'del', U, 'app'], ['B', 'cache', 'lease', L]),
      req('A', ['A', 'cache', 'command', U], ['A', 'cache', 'lease', L]),
      req(
        'C',
        ['C', 'cache', 'command', U],
        ['C', 'cache', 'miss', U],
        ['C', 'cache', 'lease', L],
        ['C', 'db', 'query', U],
        ['C', 'cache', 'command', U],
        ['C', 'cache', 'set', U, 'app'],
        ['C', 'cache', 'lease', L],
      ),
    ])
    const leaseOps = steps.flat().filter((e) => e.kind === 'lease') as EventOf<'lease'>[]
    expect(leaseOps.map((e) => [e.node, e.data.op])).toEqual([
      ['A', 'grant'],
      ['B', 'invalidate'],
      ['A', 'reject'],
      ['C', 'grant'],
      ['C', 'fill'],
    ])
    const [aToken, revoked, rejected, cToken, filled] = leaseOps.map((e) => e.data.token)
    expect(aToken).toMatch(/^[0-9a-f]{8}$/)
    expect([revoked, rejected]).toEqual([aToken, aToken])
    expect(cToken).not.toBe(aToken)
    expect(filled).toBe(cToken)
    expect(lab.state()).toMatchObject({ outcome: 'fresh', values: { cache: { version: 2 }, db: 2, lease: null } })
    expect(lab.state().steps[4]).toMatchObject({ tone: 'good', result: 'rejected: lease revoked' })
    expect(await lab.version(U)).toBe(2)
    expect(await redis.check.exists(lab.full(L))).toBe(0)
    await nothingFromOutside(lab)
  })

  it('delayed double delete with a delay longer than A’s lag: the second delete removes v1; C reads fresh', async () => {
    const lab = await labRoom()
    await lab.act('setStrategy', { strategy: 'double-delete' })
    await lab.act('setDelay', { delayMs: 300, fillLagMs: 100 })
    expect(
      lab
        .state()
        .steps.map((s) => `${s.actor}:${s.op}`)
        .slice(3, 6),
    ).toEqual(['B:invalidate', 'A:fill', 'B:delete-again'])
    const steps = await lab.runAll()
    expect(steps.map(rows)).toEqual([
      req('A', ['A', 'cache', 'miss', U]),
      req('A', ['A', 'db', 'query', U]),
      req('B', ['B', 'db', 'update', U]),
      req('B', ['B', 'cache', 'del', U, 'app']),
      req('A', ['A', 'cache', 'set', U, 'app']),
      req('B', ['B', 'cache', 'del', U, 'app']),
      req('C', ['C', 'cache', 'miss', U], ['C', 'db', 'query', U], ['C', 'cache', 'set', U, 'app']),
    ])
    expect(data(steps[3]!, 'del')).toEqual({ existed: false })
    expect(data(steps[5]!, 'del')).toEqual({ existed: true })
    // The steps keep the timing: the fill no sooner than 100 ms after the first delete, the second delete 300 ms.
    const at = (i: number, kind: Kind) => steps[i]!.find((e) => e.kind === kind)!.time
    expect(at(4, 'set') - at(3, 'del')).toBeGreaterThanOrEqual(99)
    expect(at(5, 'del') - at(3, 'del')).toBeGreaterThanOrEqual(299)
    expect(lab.state()).toMatchObject({ outcome: 'fresh', values: { cache: { version: 2 }, db: 2 } })
    expect(lab.state().steps[5]).toMatchObject({ tone: 'good', result: "deleted A's stale value" })
    expect(await lab.version(U)).toBe(2)
  })

  it('delayed double delete with a too short delay: the second delete lands first, v1 stays; C reads stale', async () => {
    const lab = await labRoom()
    await lab.act('setStrategy', { strategy: 'double-delete' })
    await lab.act('setDelay', { delayMs: 50, fillLagMs: 200 })
    const steps = await lab.runAll()
    expect(steps.map(rows)).toEqual([
      req('A', ['A', 'cache', 'miss', U]),
      req('A', ['A', 'db', 'query', U]),
      req('B', ['B', 'db', 'update', U]),
      req('B', ['B', 'cache', 'del', U, 'app']),
      req('B', ['B', 'cache', 'del', U, 'app']),
      req('A', ['A', 'cache', 'set', U, 'app']),
      req('C', ['C', 'cache', 'hit', U], ['C', 'app', 'stale-read', U]),
    ])
    expect(data(steps[4]!, 'del')).toEqual({ existed: false })
    expect(data(steps[5]!, 'set')).toMatchObject({ version: 1 })
    expect(lab.state()).toMatchObject({ outcome: 'stale', values: { cache: { version: 1 }, db: 2 } })
    expect(lab.state().steps[4]).toMatchObject({ tone: 'bad', result: 'nothing cached yet: A has not filled' })
    expect(await lab.version(U)).toBe(1)
  })

  it('auto-play runs the remaining steps and stops at the end; replaying starts over; pause stops it', async () => {
    const lab = await labRoom()
    await lab.act('setInterval', { ms: 200 })
    await lab.act('step')
    const played = await lab.act('play', { on: true })
    expect(played.result).toMatchObject({ playing: true })
    await waitUntil(() => !lab.state().playing, 'auto-play to finish', 10_000)
    expect(lab.state()).toMatchObject({ next: 6, outcome: 'stale' })
    expect(lab.c.events.filter((e) => e.kind === 'request' && e.data.action === 'step').length).toBe(6)

    // Over: play again starts a new interleaving (the old value is cleared first), then pause stops it.
    const again = await lab.act('play', { on: true })
    expect(again.result).toMatchObject({ playing: true, outcome: null })
    expect(rows(again.events.filter((e) => e.kind === 'del'))).toEqual([['-', 'cache', 'del', U, 'app']])
    await waitUntil(() => lab.state().next >= 1, 'the first step', 5000)
    await lab.act('play', { on: false })
    const stoppedAt = lab.state().next
    await sleep(700)
    expect(lab.state()).toMatchObject({ playing: false, next: stoppedAt })
    expect(stoppedAt).toBeLessThan(6)
  })

  it('restart and a new strategy clear the race key and its guards; reset restores the row and the settings', async () => {
    const lab = await labRoom()
    await lab.act('setStrategy', { strategy: 'versioned' })
    await lab.runAll()
    const restart = await lab.act('restart')
    expect(restart.result).toMatchObject({ next: 0, outcome: null, reread: null })
    expect(rows(restart.events.filter((e) => e.kind === 'del')).sort()).toEqual([
      ['-', 'cache', 'del', 'tomb:user:1', 'app'],
      ['-', 'cache', 'del', U, 'app'],
    ])
    expect(await redis.check.exists(lab.full(U), lab.full('tomb:user:1'))).toBe(0)
    expect(lab.state().steps.every((s) => s.status === 'pending')).toBe(true)

    await lab.act('dbProfile', { profile: 'slow' })
    expect(lab.state()).toMatchObject({ dbProfile: 'slow', dbLatencyMs: 50, dbJitterMs: 20 })
    await lab.act('setTtl', { seconds: 9 })
    const reset = await lab.act('reset')
    expect(reset.result).toMatchObject({
      strategy: 'naive',
      ttlSeconds: 30,
      dbProfile: 'instant',
      dbLatencyMs: 0,
      next: 0,
    })
    const { rows: dbRows } = await t.app.db.query<{ version: number }>(
      'SELECT version FROM users WHERE room = $1 AND id = 1',
      [lab.id],
    )
    expect(dbRows[0]!.version).toBe(1)
    // A Step after the end does nothing.
    await lab.runAll()
    const extra = await lab.act('step')
    expect(extra.result).toMatchObject({ done: true })
    expect(extra.events).toEqual([])
  })

  it('a refused fill leaves no expectation behind: a SET from outside right after it shows as outside', async () => {
    const lab = await labRoom()
    await lab.act('setStrategy', { strategy: 'versioned' })
    for (let i = 0; i < 5; i++) await lab.act('step')
    expect(lab.state().steps[4]).toMatchObject({ result: 'refused: older than the delete of v2' })
    // The script might have SET user:1 (set, expire); it did not, so the engine expects neither.
    const before = lab.c.last
    await redis.check.set(lab.full(U), '{"version":7}', 'PX', 5000)
    const seen = await lab.c.waitFor({ kind: 'set', key: U }, { afterSeq: before })
    expect(seen).toMatchObject({ src: 'outside', data: { version: 7 } })
  })

  it('a step that fails (Redis unreachable for B’s delete) is shown as failed, and the interleaving goes on', async () => {
    const lab = await labRoom()
    for (let i = 0; i < 3; i++) await lab.act('step')
    await lab.act('fault', { target: 'cache-write', times: 1 })
    const failed = await lab.act('step')
    expect(rows(failed.events)).toEqual([
      ['B', 'client', 'request', U],
      ['-', 'cache', 'fault', null],
      ['B', 'cache', 'cache-error', U],
      ['B', 'client', 'response', U],
    ])
    expect(lab.state().steps[3]).toMatchObject({ status: 'done', tone: 'bad' })
    expect(lab.state().steps[3]!.result).toMatch(/^failed: /)
    expect(lab.state().next).toBe(4)
    await lab.act('step')
    await lab.act('step')
    expect(lab.state()).toMatchObject({ next: 6, outcome: 'stale' })
  })

  it('rejects parameters outside the schema’s bounds, naming the field', async () => {
    const lab = await labRoom()
    const bad: [string, Record<string, unknown>][] = [
      ['setStrategy', { strategy: 'optimistic' }],
      ['setDelay', { delayMs: 99_999 }],
      ['setDelay', { fillLagMs: -1 }],
      ['setTtl', { seconds: 0 }],
      ['race', { readers: 1000 }],
      ['race', { durationMs: 600_000 }],
      ['race', { strategies: [] }],
      ['step', { times: 3 }],
    ]
    for (const [action, params] of bad) {
      await expect(lab.act(action, params), `${action} ${JSON.stringify(params)}`).rejects.toMatchObject({
        code: 'E_INVALID',
        status: 400,
      })
    }
    expect(lab.c.events.filter((e) => e.kind === 'request')).toEqual([])
  })

  it('the randomised mode races real readers and writers: the fixes let no stale write-back through', async () => {
    const lab = await labRoom()
    await lab.act('dbProfile', { profile: 'fast' })
    // Slow fills and a write every few ms on one key: naive loses the race many times a second.
    const params = {
      readers: 4,
      writers: 4,
      keys: 1,
      durationMs: 1500,
      fillPauseMs: 300,
      readGapMs: 20,
      writeGapMs: 20,
    }
    const started = lab.act('race', { ...params, wait: true })
    await waitUntil(() => lab.state().random !== null, 'the run to start')
    await expect(lab.act('race', {})).rejects.toMatchObject({ code: 'E_BUSY', status: 409 })
    const run = (await started).result as unknown as RandomRun
    expect(run.settings).toMatchObject({ ...params, dbLatencyMs: 5, dbJitterMs: 5, ttlSeconds: 30, delayMs: 500 })
    expect(run.progress).toBe(1)
    expect(run.finishedAt).not.toBeNull()
    const by = Object.fromEntries(run.results.map((r) => [r.strategy, r]))
    expect(Object.keys(by)).toEqual(['naive', 'versioned', 'lease', 'double-delete'])
    expect(run.results.map((r) => r.users)).toEqual([[11], [31], [51], [71]])
    for (const r of run.results) {
      expect(r.reads, r.strategy).toBeGreaterThan(0)
      expect(r.writes, r.strategy).toBeGreaterThan(0)
      expect(r.staleReads, r.strategy).toBeGreaterThanOrEqual(r.staleReadsAfterFills)
    }
    // The race, lost: old rows stored after the newer write's delete ...
    expect(by.naive!.staleFills).toBeGreaterThan(0)
    // ... and never with a version check or a lease; what they stopped shows up as refused or rejected fills.
    for (const fixed of [by.versioned!, by.lease!]) {
      expect(fixed.staleFills, fixed.strategy).toBe(0)
      expect(fixed.staleReadsAfterFills, fixed.strategy).toBe(0)
      expect(fixed.stoppedFills, fixed.strategy).toBeGreaterThan(0)
    }
    expect(by.naive!.stoppedFills).toBe(0)
    // Real requests, each by one of the run's readers or writers.
    const requests = lab.c.events.filter(
      (e) => e.kind === 'request' && ['read', 'write', 'delete-again'].includes(e.data.action),
    )
    expect(requests.length).toBeGreaterThan(50)
    for (const r of requests) expect(r.node).toMatch(/^[RW]\d$/)
    expect(lab.state().stats.map((s) => s.label)).toEqual(
      expect.arrayContaining([
        'Stale reads · Naive',
        'Stale reads · Version-checked',
        'Stale reads · Leases',
        'Stale reads · Double delete',
      ]),
    )
    // A second run with the same settings adds up with the first; the stats show the totals.
    const second = (await lab.act('race', { ...params, wait: true })).result as unknown as RandomRun
    const totals = lab.state().randomTotals!
    expect(totals.runs).toBe(2)
    expect(totals.results.map((r) => r.reads)).toEqual(run.results.map((r, i) => r.reads + second.results[i]!.reads))
    expect(totals.results.map((r) => r.staleFills)).toEqual(
      run.results.map((r, i) => r.staleFills + second.results[i]!.staleFills),
    )
    expect(lab.state().stats.find((s) => s.label === 'Stale reads · Naive')).toMatchObject({
      value: totals.results[0]!.staleReads,
      hint: expect.stringContaining('(2 runs)'),
    })
    // Other settings start the totals over.
    await lab.act('race', { ...params, durationMs: 1000, wait: true })
    expect(lab.state().randomTotals!.runs).toBe(1)
    await nothingFromOutside(lab)
  })

  it('the code panel shows the Lua scripts highlighted as Lua', async () => {
    const res = await request(t.url, 'GET', '/api/labs/races/source')
    expect(res.status).toBe(200)
    const files = res.body.files as { path: string; lines: { t: string; c?: string }[][] }[]
    const lua = files.find((f) => f.path === 'server/engine/lua/lease-fill-2.lua')!
    const local = lua.lines.flat().find((tok) => tok.t.trim() === 'local')
    expect(local?.c).toBeDefined()
    const ts = files.find((f) => f.path === 'server/engine/labs/races.ts') as
      { functions?: { name: string }[] } | undefined
    expect(ts?.functions?.map((f) => f.name)).toContain('runStep')
  })
})
