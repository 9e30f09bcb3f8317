/**
 * Failover: how long a room goes unserved when the process running it dies (SIGKILL, nothing handed back).
 * - Cluster (two instances, CLUSTER=true on the local PostgreSQL): the owner is killed while a client keeps
 *   sending the room's actions to the survivor, one every 50 ms, each on its own; the figure is the time from
 *   the kill to the first action the survivor answers 200 (target 5 s).
 * - Single instance (embedded PGlite, fixed port): killed and started again with the same environment; the
 *   figure is the time from the restarted process listening to its first answered action (target 1 s). The
 *   process start itself is reported beside it.
 * Each round also checks the room's event stream: sequence numbers 1..n, each once (no gap, no duplicate).
 * Knobs: BENCH_FAILOVER_ROUNDS (default 3), BENCH_DATABASE_URL (default the local `test` database).
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import path from 'node:path'
import { Redis } from 'ioredis'
import { roomKeys } from '../lib/keys'
import { ROOT } from '../server/app'
import { openDatabase } from '../server/db/open'
import { deleteRoomRows } from '../server/db/seed'
import { freePort } from '../server/redis/resolve'
import { startAppProcess, type AppProcess } from '../server/test-support/app-process'
import { REDIS_URL } from './app'
import { isMain, runStandalone, type Bench } from './bench'
import { cleanUp, onCleanup } from './cleanup'
import type { Reporter } from './report'
import { median, sleep } from './stats'

const ROUNDS = Number(process.env.BENCH_FAILOVER_ROUNDS ?? 3)
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const FIRE_EVERY_MS = 50
const GIVE_UP_MS = 30_000

const ACTION = { lab: 'ttl', action: 'read', userId: 1 }

export const failover: Bench = {
  id: 'failover',
  summary: 'owner killed: time to the first action the survivor answers; single instance restarted: time to its first action',
  async run(report) {
    const redis = new Redis(REDIS_URL, { connectionName: 'cachelab-bench:failover' })
    onCleanup(async () => redis.quit())
    try {
      await cluster(report, redis)
      await restart(report, redis)
    } finally {
      await cleanUp()
    }
  },
}

async function cluster(report: Reporter, redis: Redis): Promise<void> {
  const db = await openDatabase({ databaseUrl: DATABASE_URL })
  onCleanup(() => db.close())
  const env = { PORT: '0', CLUSTER: 'true', DATABASE_URL, NODE_ENV: 'production', REDIS_URL }
  const survivor = await startAppProcess(env)
  const stopSurvivor = onCleanup(() => survivor.stop())
  const firstAnswer: number[] = []
  const refused: string[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const owner = await startAppProcess(env)
    onCleanup(() => owner.kill())
    const room = await createRoom(owner, redis, db)
    await act(owner.url, room)
    await sleep(1500) // a few heartbeats and an owner-key renewal, as in a room that has been running
    const before = await streamSeqs(redis, room)
    const killed = performance.now()
    await owner.kill()
    const { ms, failures } = await firstAnswered(survivor.url, room, killed)
    firstAnswer.push(ms)
    refused.push(failures)
    await sleep(200) // the survivor's events reach the stream
    const check = checkStream(before, await streamSeqs(redis, room))
    report.note(
      `# cluster round ${round + 1}: first answered action ${Math.round(ms)} ms after the kill; refused meanwhile: ${failures}; ` +
        `stream ${check.count} events, ${check.gaps} gaps, ${check.duplicates} duplicates, continued from ${before.at(-1) ?? 0}`,
    )
    if (check.gaps + check.duplicates > 0) throw new Error(`room ${room}: the event sequence broke on takeover`)
  }
  await stopSurvivor() // before the rooms' keys and rows go, so it does not renew keys of rooms being removed
  report.figure('failover: owner killed → first action answered by the survivor (slowest round)', Math.round(Math.max(...firstAnswer)), 'ms', {
    target: { op: '<=', value: 5000 },
    detail: { rounds: firstAnswer.map(Math.round), median: Math.round(median(firstAnswer)), refusedMeanwhile: refused, fireEveryMs: FIRE_EVERY_MS },
  })
}

async function restart(report: Reporter, redis: Redis): Promise<void> {
  const dir = mkdtempSync(path.join(ROOT, '.data', 'pglite-bench-failover-'))
  onCleanup(async () => rmSync(dir, { recursive: true, force: true }))
  const prepared = path.join(ROOT, '.data', 'pglite')
  // A prepared database reopens in under a second; without one the first start runs initdb (a few seconds).
  if (existsSync(path.join(prepared, 'PG_VERSION'))) cpSync(prepared, dir, { recursive: true })
  const env = { PORT: String(await freePort()), HOST: '127.0.0.1', PGLITE_DIR: dir, NODE_ENV: 'production', REDIS_URL }
  let app = await startAppProcess(env)
  const stopApp = onCleanup(() => app.stop()) // whichever process is the current one
  const firstAction: number[] = []
  const processStart: number[] = []
  const warmReclaim: number[] = []
  const newRoom = async () => {
    const res = await fetch(`${app.url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    if (res.status !== 201) throw new Error(`could not create a room: ${res.status} ${await res.text()}`)
    const id = ((await res.json()) as { id: string }).id
    onCleanup(() => removeKeys(redis, id))
    await act(app.url, id)
    return id
  }
  for (let round = 0; round < ROUNDS; round++) {
    const room = await newRoom()
    // A second room of the crashed process, reclaimed once the restarted one is warm: the cost of taking a
    // room back, apart from a cold process's first request.
    const other = await newRoom()
    await sleep(1500)
    const before = await streamSeqs(redis, room)
    const killed = performance.now()
    await app.kill()
    app = await startAppProcess(env)
    const listening = performance.now()
    const { ms, failures } = await firstAnswered(app.url, room, listening)
    processStart.push(listening - killed)
    firstAction.push(ms)
    const warmStarted = performance.now()
    const reclaimed = await act(app.url, other)
    if (reclaimed.status !== 200) throw new Error(`the restarted process refused its other room: ${reclaimed.status} ${reclaimed.code}`)
    warmReclaim.push(performance.now() - warmStarted)
    await sleep(200)
    const check = checkStream(before, await streamSeqs(redis, room))
    report.note(
      `# restart round ${round + 1}: process listening ${Math.round(listening - killed)} ms after the kill, first answered action ` +
        `${Math.round(ms)} ms after that (refused: ${failures}), a second room's first action ${Math.round(warmReclaim.at(-1)!)} ms; stream ${check.count} events, ${check.gaps} gaps, ${check.duplicates} duplicates`,
    )
    if (check.gaps + check.duplicates > 0) throw new Error(`room ${room}: the event sequence broke on restart`)
  }
  await stopApp()
  report.figure('failover: single instance restarted → first action answered, from listening (slowest round)', Math.round(Math.max(...firstAction)), 'ms', {
    target: { op: '<=', value: 1000 },
    detail: {
      rounds: firstAction.map(Math.round),
      processStartMs: processStart.map(Math.round),
      secondRoomFirstActionMs: warmReclaim.map(Math.round),
      note:
        'processStartMs: SIGKILL to the restarted process listening (node, tsx, Redis, PGlite reopen), not part of the target; ' +
        'secondRoomFirstActionMs: a further room of the crashed process, its first action once the process is warm',
    },
  })
}

/** Creates a room on an instance; its keys and rows are removed at cleanup. */
async function createRoom(app: AppProcess, redis: Redis, db: Awaited<ReturnType<typeof openDatabase>>): Promise<string> {
  const res = await fetch(`${app.url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  if (res.status !== 201) throw new Error(`could not create a room: ${res.status} ${await res.text()}`)
  const room = ((await res.json()) as { id: string }).id
  onCleanup(async () => {
    await removeKeys(redis, room)
    await deleteRoomRows(db, room)
  })
  return room
}

/** Sends the room's action; resolves with the status and the error code of a refusal. */
async function act(url: string, room: string): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${url}/api/rooms/${room}/actions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ACTION),
    signal: AbortSignal.timeout(GIVE_UP_MS),
  })
  const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } }
  return { status: res.status, code: body.error?.code }
}

/**
 * Sends the room's action every FIRE_EVERY_MS, each without waiting for the others, until one is answered
 * 200; returns when that happened (ms after `from`) and how many were answered with an error first.
 */
async function firstAnswered(url: string, room: string, from: number): Promise<{ ms: number; failures: string }> {
  let answered: number | undefined
  const refused = new Map<string, number>()
  const refuse = (why: string) => refused.set(why, (refused.get(why) ?? 0) + 1)
  const inFlight: Promise<void>[] = []
  while (answered === undefined) {
    if (performance.now() - from > GIVE_UP_MS) throw new Error(`no action answered within ${GIVE_UP_MS} ms`)
    inFlight.push(
      act(url, room).then(
        (res) => {
          if (res.status === 200) answered ??= performance.now() - from
          else void refuse(`${res.status} ${res.code ?? ''}`.trim())
        },
        (err: Error) => void refuse(err.name),
      ),
    )
    await sleep(FIRE_EVERY_MS)
  }
  await Promise.allSettled(inFlight)
  const failures = [...refused].map(([why, n]) => `${n}× ${why}`).join(', ') || 'none'
  return { ms: answered, failures }
}

async function streamSeqs(redis: Redis, room: string): Promise<number[]> {
  const entries = await redis.xrange(roomKeys(room).events, '-', '+')
  return entries.flatMap(([, fields]) => (JSON.parse(fields[1]!) as { seq: number }[]).map((e) => e.seq))
}

/** Gaps and duplicates in a stream's sequence numbers, and whether it kept what it held before the kill. */
function checkStream(before: number[], after: number[]): { count: number; gaps: number; duplicates: number } {
  let gaps = 0
  let duplicates = 0
  for (let i = 1; i < after.length; i++) {
    if (after[i]! <= after[i - 1]!) duplicates++
    else if (after[i]! > after[i - 1]! + 1) gaps++
  }
  if (before.some((seq, i) => after[i] !== seq)) gaps++
  if (after.length <= before.length) gaps++ // the survivor's own events never arrived
  return { count: after.length, gaps, duplicates }
}

async function removeKeys(redis: Redis, room: string): Promise<void> {
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', roomKeys(room).pattern, 'COUNT', 1000)
    cursor = next
    if (keys.length > 0) await redis.unlink(...keys)
  } while (cursor !== '0')
}

if (isMain(import.meta.url)) await runStandalone(failover)
