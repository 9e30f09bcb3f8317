/**
 * Expiry: how late a room's `expired` event is, with 100,000 unrelated keys on long TTLs in the same Redis.
 *
 * Redis reports `expired` only when it removes a key (on access, or when its background cycle samples it),
 * which among many keys with TTLs can be seconds late or never; the engine's ExpiryWatch looks each key up
 * at its deadline so Redis expires it on time. This bench measures that end to end, the way a learner sees
 * it: from the key's deadline in Redis to the moment its `expired` event is in the room's Redis Stream.
 *
 * Setup: 100,000 filler keys (`bench:<run>:filler:<i>`, EX 3600) set with pipelines. The 1000 keys come
 * through the TTL lab's own path: 10 rooms (the lab seeds 100 users per room), TTL set to 1 s, and one
 * `read` of every user, a miss that queries the database and SETs the row with PX 1000, which is how the
 * watch learns the deadline. Each key's deadline is Redis's own (PEXPIRETIME, asked right after its read).
 * A separate client follows the 10 streams with XREAD BLOCK; an event's arrival is when XREAD returns it.
 *
 * Contrast (no watch): 1000 keys set PX 1000 by a plain client outside any room, their `expired`
 * notifications followed on a subscriber connection, to show Redis's own lazy expiry in the same state.
 * Every key made here is removed at the end (rooms through rooms.destroy, the rest with UNLINK).
 */
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import type { LabEvent } from '../lib/events'
import { roomKeys } from '../lib/keys'
import { LIMITS } from '../lib/limits'
import type { ReadOutcome } from '../server/engine/strategies/cache-aside-ttl'
import { REDIS_URL, startBenchApp } from './app'
import { isMain, runStandalone, type Bench } from './bench'
import type { Reporter } from './report'
import { percentile, sleep, sortNumbers } from './stats'

const FILLER_KEYS = Number(process.env.BENCH_FILLER ?? 100_000)
const ROOMS = 10
const USERS = LIMITS.usersPerRoom
const TTL_SECONDS = 1
/** How long after the last deadline to keep waiting for events. */
const WAIT_MS = 5000
const BATCH = 1000

type StreamReply = [key: string, entries: [id: string, fields: string[]][]][]

interface Expected {
  /** Redis's deadline (PEXPIRETIME), ms since the epoch. */
  deadline: number
  /** The deadline as the engine knows it: its `set` event's time + TTL. */
  engineDeadline?: number
  /** When XREAD returned the `expired` event. */
  arrival?: number
  /** When the engine recorded it, and how late the engine itself says it was. */
  recordedAt?: number
  lateMs?: number
}

export const expiry: Bench = {
  id: 'expiry',
  summary: 'delay from a key deadline to its expired event in the room stream, 100k other keys on TTLs',
  async run(report) {
    const run = randomBytes(4).toString('hex')
    const prefix = `bench:${run}:`
    const app = await startBenchApp()
    const cmd = new Redis(REDIS_URL, { connectionName: 'bench:cmd', enableAutoPipelining: true })
    const rooms: string[] = []
    try {
      let started = performance.now()
      await writeInBatches(cmd, FILLER_KEYS, (p, i) => p.set(`${prefix}filler:${i}`, '1', 'EX', 3600))
      report.note(
        `expiry: ${FILLER_KEYS} filler keys (EX 3600) under ${prefix} in ${Math.round(performance.now() - started)} ms; Redis now holds ${await cmd.dbsize()} keys`,
      )
      // The engine's observer hears a `set` and an `expire` per filler key; let it get through them first.
      await sleep(1000)

      started = performance.now()
      for (let i = 0; i < ROOMS; i++) {
        const id = (await app.engine.createRoom()).id
        rooms.push(id)
        await app.engine.act(id, { lab: 'ttl', action: 'setTtl', seconds: TTL_SECONDS }, 'api')
      }
      report.note(`expiry: ${ROOMS} rooms created in ${Math.round(performance.now() - started)} ms`)

      await measureWatched(app.engine, cmd, rooms, report)
      await measureUnwatched(cmd, prefix, report)
      report.note(`expiry: Redis counters now: ${await redisExpiryStats(cmd)}`)
    } finally {
      for (const id of rooms) await app.engine.rooms.destroy(id).catch(() => {})
      await unlinkInBatches(cmd, FILLER_KEYS, (i) => `${prefix}filler:${i}`)
      await unlinkInBatches(cmd, 1000, (i) => `${prefix}plain:${i}`)
      await cmd.quit().catch(() => cmd.disconnect())
      await app.close()
    }
  },
}

/** The engine's path: 1000 reads that SET keys with a 1 s TTL, then their `expired` events in the streams. */
async function measureWatched(
  engine: Awaited<ReturnType<typeof startBenchApp>>['engine'],
  cmd: Redis,
  rooms: string[],
  report: Reporter,
): Promise<void> {
  const expected = new Map<string, Expected>()
  const reader = new Redis(REDIS_URL, { connectionName: 'bench:xread' })
  const streams = rooms.map((r) => roomKeys(r).events)
  const ids = await Promise.all(streams.map(async (s) => (await cmd.xrevrange(s, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0'))
  let stop = false
  let seen = 0
  const follow = (async () => {
    while (!stop) {
      const reply = (await reader.xread('COUNT', 5000, 'BLOCK', 100, 'STREAMS', ...streams, ...ids)) as StreamReply | null
      const arrival = Date.now()
      for (const [stream, entries] of reply ?? []) {
        const i = streams.indexOf(stream)
        const room = rooms[i]!
        for (const [id, fields] of entries) {
          ids[i] = id
          for (const event of JSON.parse(fields[fields.indexOf('e') + 1] ?? '[]') as LabEvent[]) {
            const slot = event.key ? expected.get(`${room}/${event.key}`) : undefined
            if (!slot) continue
            if (event.kind === 'set' && event.data.ttlMs !== null) slot.engineDeadline = event.time + event.data.ttlMs
            if (event.kind === 'expired' && slot.arrival === undefined) {
              slot.arrival = arrival
              slot.recordedAt = event.time
              slot.lateMs = event.data.lateMs
              seen += 1
            }
          }
        }
      }
    }
  })()

  try {
    // Every user of every room is read once, all at once: each read misses, queries the database and SETs.
    const started = performance.now()
    await Promise.all(
      rooms.flatMap((room) =>
        Array.from({ length: USERS }, async (_, u) => {
          const userId = u + 1
          const key = `user:${userId}`
          expected.set(`${room}/${key}`, { deadline: Number.NaN })
          const out = (await engine.act(room, { lab: 'ttl', action: 'read', userId }, 'api')) as ReadOutcome
          if (out.from !== 'db') throw new Error(`read of ${key} in ${room} came from ${out.from}, not the database`)
          const deadline = await cmd.pexpiretime(roomKeys(room).full(key))
          if (deadline < 0) throw new Error(`${key} in ${room} had no TTL right after its read (${deadline})`)
          expected.get(`${room}/${key}`)!.deadline = deadline
        }),
      ),
    )
    const deadlines = [...expected.values()].map((e) => e.deadline)
    const last = Math.max(...deadlines)
    report.note(
      `expiry: ${expected.size} keys set through engine.act ttl.read in ${Math.round(performance.now() - started)} ms; deadlines span ${last - Math.min(...deadlines)} ms`,
    )
    while (seen < expected.size && Date.now() < last + WAIT_MS) await sleep(20)
  } finally {
    stop = true
    await follow.catch(() => {})
    reader.disconnect()
  }

  const all = [...expected.values()]
  const arrived = all.filter((e) => e.arrival !== undefined && e.arrival - e.deadline <= WAIT_MS)
  const delays = sortNumbers(arrived.map((e) => e.arrival! - e.deadline))
  const detail = { keys: all.length, arrived: arrived.length, fillerKeys: FILLER_KEYS, rooms: rooms.length }
  report.figure('expiry delay p50 (deadline to event in stream)', percentile(delays, 50), 'ms', { detail })
  report.figure('expiry delay p99 (deadline to event in stream)', percentile(delays, 99), 'ms', {
    target: { op: '<=', value: 20 },
    detail,
  })
  report.figure('expiry delay max (deadline to event in stream)', percentile(delays, 100), 'ms', { detail })
  report.figure(`expiry events in stream within ${WAIT_MS / 1000} s`, arrived.length, `of ${all.length}`, {
    target: { op: '>=', value: all.length },
  })
  // Where the time goes: the engine's own deadline is when its SET returned, a little after Redis's.
  const parts = (f: (e: Expected) => number | undefined) =>
    sortNumbers(arrived.map(f).filter((v): v is number => v !== undefined && Number.isFinite(v)))
  const ahead = parts((e) => (e.engineDeadline === undefined ? undefined : e.engineDeadline - e.deadline))
  const toRecord = parts((e) => (e.recordedAt === undefined ? undefined : e.recordedAt - e.deadline))
  const toStream = parts((e) => (e.recordedAt === undefined ? undefined : e.arrival! - e.recordedAt))
  report.note(
    `expiry breakdown p50/p99 ms: engine deadline after Redis's ${fmt(ahead)}; Redis deadline to event recorded ${fmt(toRecord)}; recorded to in stream ${fmt(toStream)}; engine's own lateMs ${fmt(parts((e) => e.lateMs))}`,
  )
}

/** Redis alone: keys outside any room, no watch, their `expired` notifications on a subscriber. */
async function measureUnwatched(cmd: Redis, prefix: string, report: Reporter): Promise<void> {
  const n = 1000
  const sub = new Redis(REDIS_URL, { connectionName: 'bench:sub' })
  const arrivals = new Map<string, number>()
  sub.on('message', (_channel: string, key: string) => {
    if (key.startsWith(`${prefix}plain:`) && !arrivals.has(key)) arrivals.set(key, Date.now())
  })
  const db = cmd.options.db ?? 0
  await sub.subscribe(`__keyevent@${db}__:expired`)
  try {
    const deadlines = new Map<string, number>()
    const p = cmd.pipeline()
    for (let i = 0; i < n; i++) p.set(`${prefix}plain:${i}`, '1', 'PX', TTL_SECONDS * 1000).pexpiretime(`${prefix}plain:${i}`)
    const results = (await p.exec()) ?? []
    for (let i = 0; i < n; i++) deadlines.set(`${prefix}plain:${i}`, results[2 * i + 1]![1] as number)
    const last = Math.max(...deadlines.values())
    while (arrivals.size < n && Date.now() < last + WAIT_MS) await sleep(50)
    const delays = sortNumbers([...arrivals].map(([key, at]) => at - deadlines.get(key)!).filter((d) => d <= WAIT_MS))
    report.figure(`expiry without watch: notified within ${WAIT_MS / 1000} s`, delays.length, `of ${n}`, {
      detail: { p50: percentile(delays, 50), max: percentile(delays, 100) },
    })
    if (delays.length > 0) report.figure('expiry without watch: delay p50 of those notified', percentile(delays, 50), 'ms')
  } finally {
    sub.disconnect()
  }
}

/** Runs `count` commands in pipelines of BATCH. */
async function writeInBatches(redis: Redis, count: number, add: (p: ReturnType<Redis['pipeline']>, i: number) => void) {
  for (let from = 0; from < count; from += BATCH * 10) {
    const p = redis.pipeline()
    for (let i = from; i < Math.min(count, from + BATCH * 10); i++) add(p, i)
    const results = (await p.exec()) ?? []
    const failed = results.find(([err]) => err)
    if (failed) throw failed[0]!
  }
}

/** UNLINKs `count` named keys, BATCH names a command. */
async function unlinkInBatches(redis: Redis, count: number, name: (i: number) => string): Promise<void> {
  const p = redis.pipeline()
  for (let from = 0; from < count; from += BATCH) {
    const keys = Array.from({ length: Math.min(BATCH, count - from) }, (_, j) => name(from + j))
    p.unlink(...keys)
  }
  await p.exec()
}

async function redisExpiryStats(redis: Redis): Promise<string> {
  const info = await redis.info('stats')
  const field = (name: string) => new RegExp(`^${name}:(\\S+)`, 'm').exec(info)?.[1] ?? '?'
  return `expired_keys ${field('expired_keys')}, expired_stale_perc ${field('expired_stale_perc')}, expired_time_cap_reached_count ${field('expired_time_cap_reached_count')}`
}

function fmt(sorted: number[]): string {
  if (sorted.length === 0) return 'n/a'
  return `${percentile(sorted, 50).toFixed(1)}/${percentile(sorted, 99).toFixed(1)}`
}

if (isMain(import.meta.url)) await runStandalone(expiry)
