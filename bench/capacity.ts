/**
 * What a room costs and how many one instance serves before its limits:
 * - per lab: the Redis connections (CLIENT LIST entries named for the room) and this process's file
 *   descriptors a room adds once the lab has run (its `reset`), and what it still holds after the room
 *   moved to another lab;
 * - the lab-connection budget: event-driven rooms opened one after another until the budget refuses one;
 * - rooms: created over HTTP from 127.0.0.x addresses (ROOMS_PER_ADDRESS each) until the instance is full;
 *   the process's memory, descriptors and Redis clients when full, and the answer a visitor then gets.
 * Knobs: BENCH_CAPACITY_ROOMS (rooms per lab, default 5), BENCH_CAPACITY_CONNECTIONS (the budget, default
 * 200), BENCH_CAPACITY_FILL (ROOMS_MAX, default 500), BENCH_CAPACITY_PARTS (any of "labs,budget,fill").
 */
import { readdirSync } from 'node:fs'
import http from 'node:http'
import type { Redis } from 'ioredis'
import { LABS } from '../lib/labs/catalogue'
import type { RunningApp } from '../server/app'
import { startBenchApp } from './app'
import { isMain, runStandalone, type Bench } from './bench'
import { cleanUp } from './cleanup'
import type { Reporter } from './report'
import { sleep } from './stats'

const ROOMS_PER_LAB = Number(process.env.BENCH_CAPACITY_ROOMS ?? 5)
const BUDGET = Number(process.env.BENCH_CAPACITY_CONNECTIONS ?? 200)
const FILL = Number(process.env.BENCH_CAPACITY_FILL ?? 500)
const PER_ADDRESS = 20
const PARTS = (process.env.BENCH_CAPACITY_PARTS ?? 'labs,budget,fill').split(',')

export const capacity: Bench = {
  id: 'capacity',
  summary: 'Redis connections and descriptors per room by lab, and rooms per instance before its limits',
  async run(report) {
    const app = await startBenchApp({
      ROOMS_MAX: String(FILL),
      ROOMS_PER_ADDRESS: String(PER_ADDRESS),
      ROOM_REDIS_CONNECTIONS_MAX: String(BUDGET),
    })
    try {
      report.note(`# ${ROOMS_PER_LAB} rooms per lab; lab-connection budget ${BUDGET}; ROOMS_MAX ${FILL}, ROOMS_PER_ADDRESS ${PER_ADDRESS}`)
      if (PARTS.includes('labs')) await perLab(app, report)
      if (PARTS.includes('budget')) await budget(app, report)
      if (PARTS.includes('fill')) await fill(app, report)
    } finally {
      await cleanUp()
    }
  },
}

async function perLab(app: RunningApp, report: Reporter): Promise<void> {
  for (const lab of LABS) {
    const rooms = await makeRooms(app, ROOMS_PER_LAB)
    await sleep(200)
    const before = { redis: await clientsOf(app.redis.command, rooms), fds: fds() }
    for (const room of rooms) await app.engine.act(room, { lab: lab.id, action: 'reset' }, 'api')
    await sleep(200)
    const open = { redis: await clientsOf(app.redis.command, rooms), fds: fds() }
    // Moving to another lab gives the connections back (closing is asynchronous: wait for it to settle).
    for (const room of rooms) await app.engine.act(room, { lab: 'ttl', action: 'read', userId: 1 }, 'api')
    const left = await settled(app.redis.command, rooms, lab.id === 'ttl' ? open.redis : 0)
    const per = (n: number) => Math.round((n / rooms.length) * 10) / 10
    report.figure(`${lab.id}: Redis connections per room`, per(open.redis - before.redis), 'connections', {
      detail: { fdsPerRoom: per(open.fds - before.fds), afterLeavingPerRoom: per(left), rooms: rooms.length },
    })
    report.note(`#   ${lab.id}: ${per(open.fds - before.fds)} descriptors per room; after moving to another lab ${per(left)} connections per room`)
    for (const room of rooms) await app.engine.rooms.destroy(room)
  }
}

async function budget(app: RunningApp, report: Reporter): Promise<void> {
  const rooms: string[] = []
  let refusal = ''
  for (let i = 0; i < BUDGET + 1; i++) {
    const [room] = await makeRooms(app, 1)
    rooms.push(room!)
    try {
      await app.engine.act(room!, { lab: 'event-driven', action: 'reset' }, 'api')
    } catch (err) {
      refusal = `${(err as { status?: number }).status} ${(err as { code?: string }).code}: ${(err as Error).message}`
      break
    }
  }
  const served = refusal ? rooms.length - 1 : rooms.length
  report.figure('event-driven rooms within the lab-connection budget', served, 'rooms', { detail: { budget: BUDGET, refusal } })
  report.note(`#   the next one is refused: ${refusal || '(never refused)'}`)
  for (const room of rooms) await app.engine.rooms.destroy(room)
  await settled(app.redis.command, rooms, 0)
}

async function fill(app: RunningApp, report: Reporter): Promise<void> {
  const started = performance.now()
  const before = { rss: process.memoryUsage().rss, fds: fds() }
  const made: string[] = []
  let yours: Answer | undefined
  let full: Answer | undefined
  for (let a = 1; a < 255 && !full; a++) {
    const address = `127.0.0.${a}`
    for (let i = 0; i <= PER_ADDRESS && !full; i++) {
      const answer = await createFrom(app.port, address)
      if (answer.status === 201) made.push(answer.id!)
      else if (answer.status === 429) {
        yours ??= answer
        break
      } else if (answer.status === 503) full = answer
      else throw new Error(`POST /api/rooms from ${address}: ${answer.status} ${answer.text}`)
    }
  }
  const seconds = (performance.now() - started) / 1000
  report.figure('rooms one instance serves before its limit', made.length, 'rooms', {
    detail: { roomsMax: FILL, seconds: Math.round(seconds * 10) / 10 },
  })
  const rss = process.memoryUsage().rss
  report.figure('process memory when full (RSS)', Math.round(rss / 2 ** 20), 'MiB', {
    detail: { perRoomKiB: Math.round((rss - before.rss) / 1024 / Math.max(1, made.length)), beforeMiB: Math.round(before.rss / 2 ** 20) },
  })
  report.figure('file descriptors when full', fds(), 'descriptors', {
    detail: { perRoom: Math.round(((fds() - before.fds) / Math.max(1, made.length)) * 100) / 100, before: before.fds },
  })
  report.figure('Redis clients named cachelab:* when full', await clientsOf(app.redis.command), 'connections')
  report.note(`#   the ${PER_ADDRESS + 1}st room from one address: ${yours ? `${yours.status}, Retry-After ${yours.retryAfter}: ${yours.text}` : '(never refused)'}`)
  report.note(`#   a room past the instance's limit: ${full ? `${full.status}, Retry-After ${full.retryAfter}: ${full.text}` : '(never refused)'}`)
  for (const room of made) await app.engine.rooms.destroy(room)
}

async function makeRooms(app: RunningApp, n: number): Promise<string[]> {
  const rooms: string[] = []
  for (let i = 0; i < n; i++) rooms.push((await app.engine.createRoom()).id)
  return rooms
}

interface Answer {
  status: number
  id?: string
  retryAfter?: string
  text: string
}

/** POST /api/rooms from a given local address (127.0.0.0/8 is all loopback on Linux). */
function createFrom(port: number, localAddress: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/api/rooms', localAddress, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (text += c))
        res.on('end', () => {
          const body = JSON.parse(text) as { id?: string; error?: { message: string } }
          resolve({ status: res.statusCode ?? 0, id: body.id, retryAfter: res.headers['retry-after'], text: body.error?.message ?? text })
        })
      },
    )
    req.on('error', reject)
    req.end('{}')
  })
}

/** Redis clients named for these rooms (all rooms' when none given), as CLIENT LIST shows them. */
async function clientsOf(redis: Redis, rooms?: string[]): Promise<number> {
  const lines = ((await redis.client('LIST')) as string).split('\n')
  if (!rooms) return lines.filter((l) => / name=cachelab:[a-z0-9]+:/.test(l)).length
  const names = rooms.map((r) => ` name=cachelab:${r}:`)
  return lines.filter((l) => names.some((n) => l.includes(n))).length
}

/** Waits (up to 10 s) until the rooms hold `target` connections; returns what they hold then. */
async function settled(redis: Redis, rooms: string[], target: number): Promise<number> {
  const deadline = Date.now() + 10_000
  let n = await clientsOf(redis, rooms)
  while (n > target && Date.now() < deadline) {
    await sleep(100)
    n = await clientsOf(redis, rooms)
  }
  return n
}

function fds(): number {
  return readdirSync('/proc/self/fd').length
}

if (isMain(import.meta.url)) void runStandalone(capacity)
