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
 * watch learns the deadline. Scenarios, each with fresh rooms: the reads paced at 500/s (deadlines spread
 * over 2 s, like a busy classroom), all 1000 reads at once (1000 misses queue on the database, then 1000
 * deadlines within a few ms), and 1000 RoomCache.set calls at once through a room scope (the same SET and
 * watch, without the database), which isolates the watch, observer and recorder.
 * Each key's deadline is Redis's own (PEXPIRETIME, asked right after its read). A worker thread follows
 * the rooms' streams with XREAD BLOCK on its own connection; an event's arrival is when XREAD returns it
 * there (a busy engine thread cannot delay that timestamp).
 *
 * Contrast (no watch): 1000 keys set PX 1000 by a plain client outside any room, their `expired`
 * notifications followed on a subscriber connection, to show Redis's own lazy expiry in the same state.
 * Every key made here is removed at the end (rooms through rooms.destroy, the rest with UNLINK).
 */
import { randomBytes } from 'node:crypto'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { Redis } from 'ioredis'
import { roomKeys } from '../lib/keys'
import { LIMITS } from '../lib/limits'
import type { RunningApp } from '../server/app'
import type { ReadOutcome } from '../server/engine/strategies/cache-aside-ttl'
import { benchRoom, REDIS_URL, startBenchApp } from './app'
import { collectGarbage } from './gc'
import { isMain, runStandalone, type Bench } from './bench'
import { cleanUp, onCleanup } from './cleanup'
import type { Reporter } from './report'
import { percentile, sleep, sortNumbers } from './stats'
import { followStreams } from './stream-follower'

const FILLER_KEYS = Number(process.env.BENCH_FILLER ?? 100_000)
const ROOMS = 10
const USERS = LIMITS.usersPerRoom
const TTL_SECONDS = 1
/** How long after the last deadline to keep waiting for events. */
const WAIT_MS = 5000
const BATCH = 1000
/** Keys set outside any room for the contrast. */
const PLAIN_KEYS = 1000

interface Expected {
  /** Redis's deadline (PEXPIRETIME), ms since the epoch. */
  deadline: number
  /** When the engine recorded its `set` (after the SET's reply), on Date.now()'s clock. */
  setAt?: number
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
    onCleanup(() => cmd.quit().catch(() => cmd.disconnect()))
    try {
      const started = performance.now()
      const cpu = process.cpuUsage()
      onCleanup(() => unlinkInBatches(cmd, FILLER_KEYS, (i) => `${prefix}filler:${i}`))
      await writeInBatches(cmd, FILLER_KEYS, (p, i) => p.set(`${prefix}filler:${i}`, '1', 'EX', 3600))
      const written = performance.now() - started
      // The engine's observer hears a `set` and an `expire` for every filler key too. Wait until it has
      // read them all before measuring anything.
      await observerCaughtUp(app, cmd, `${prefix}marker`)
      const used = process.cpuUsage(cpu)
      report.note(
        `expiry: ${FILLER_KEYS} filler keys (EX 3600) under ${prefix} written in ${Math.round(written)} ms; Redis holds ${await cmd.dbsize()} keys`,
      )
      report.figure('expiry observer catch-up after the filler writes', performance.now() - started, 'ms', {
        detail: { notifications: 2 * FILLER_KEYS, processCpuMs: Math.round((used.user + used.system) / 1000) },
      })

      await warmDatabase(app)
      for (const scenario of SCENARIOS) {
        // Each scenario starts from a clean heap: the filler writes and the scenario before it leave garbage
        // whose collection would otherwise land, as one long pause, in the middle of this one's deadlines.
        collectGarbage()
        await measureWatched(app, cmd, scenario, report)
      }
      onCleanup(() => unlinkInBatches(cmd, PLAIN_KEYS, (i) => `${prefix}plain:${i}`))
      await measureUnwatched(cmd, prefix, report)
      report.note(`expiry: Redis counters now: ${await redisExpiryStats(cmd)}`)
    } finally {
      await cleanUp()
    }
  },
}

/**
 * How the 1000 keys are written: through the TTL lab's read (a miss: database query, then SET with the
 * TTL), or straight through a room scope's cache.set (the same RoomCache.set, without the database); spread
 * evenly over `spreadMs`, or all at once.
 */
interface Scenario {
  id: string
  via: 'lab' | 'cache'
  spreadMs: number
  /**
   * Whether the target (p99 ≤ 20 ms) applies. The stress scenario puts all 1000 deadlines inside a
   * few milliseconds, so its p99 is how long one thread takes to work through 1000 expiries (~20 µs each),
   * not how late any one of them was noticed; it is reported for what it shows, without a target.
   */
  target: boolean
}

const SCENARIOS: Scenario[] = [
  { id: 'lab read, 500/s', via: 'lab', spreadMs: 2000, target: true },
  { id: 'lab read, 1000 at once', via: 'lab', spreadMs: 0, target: true },
  { id: 'stress: cache.set, 1000 deadlines within ~5 ms', via: 'cache', spreadMs: 0, target: false },
]

/** Writes the 1000 keys in ROOMS fresh rooms as the scenario says, then follows their `expired` events. */
async function measureWatched(app: RunningApp, cmd: Redis, scenario: Scenario, report: Reporter): Promise<void> {
  const rooms: string[] = []
  for (let i = 0; i < ROOMS; i++) {
    const id = await benchRoom(app)
    await app.engine.act(id, { lab: 'ttl', action: 'setTtl', seconds: TTL_SECONDS }, 'api')
    rooms.push(id)
  }
  const expected = new Map<string, Expected>()
  for (const room of rooms) for (let u = 1; u <= USERS; u++) expected.set(`${room}/user:${u}`, { deadline: Number.NaN })
  const streams = rooms.map((r) => roomKeys(r).events)
  const after = await Promise.all(
    streams.map(async (s) => (await cmd.xrevrange(s, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0'),
  )
  let seen = 0
  const follower = followStreams({ redisUrl: REDIS_URL, streams, after }, (events) => {
    // Event times are on the engine's performance clock; this converts them to Date.now()'s, roughly.
    const offset = Date.now() - (performance.timeOrigin + performance.now())
    for (const e of events) {
      const slot = expected.get(`${rooms[streams.indexOf(e.stream)]}/${e.key}`)
      if (!slot) continue
      if (e.kind === 'set') slot.setAt = e.time + offset
      if (e.kind === 'expired' && slot.arrival === undefined) {
        slot.arrival = e.arrival
        slot.recordedAt = e.time + offset
        slot.lateMs = e.lateMs
        seen += 1
      }
    }
  })
  const loop = monitorEventLoopDelay({ resolution: 1 })
  loop.enable()

  try {
    const write = async (key: string) => {
      const [room, dataKey] = key.split('/') as [string, string]
      if (scenario.via === 'lab') {
        const userId = Number(dataKey.slice('user:'.length))
        const out = (await app.engine.act(room, { lab: 'ttl', action: 'read', userId }, 'api')) as ReadOutcome
        if (out.from !== 'db') throw new Error(`read of ${dataKey} in ${room} came from ${out.from}, not the database`)
      } else {
        const live = await app.engine.room(room)
        await live.room.scope({ req: 'bench' }).cache.set(dataKey, { version: 1 }, TTL_SECONDS * 1000)
      }
      const deadline = await cmd.pexpiretime(roomKeys(room).full(dataKey))
      if (deadline < 0) throw new Error(`${dataKey} in ${room} had no TTL right after it was written (${deadline})`)
      expected.get(key)!.deadline = deadline
    }
    const started = performance.now()
    const keys = [...expected.keys()]
    const writes: Promise<void>[] = []
    for (let i = 0; i < keys.length; i++) {
      const due = (i * scenario.spreadMs) / keys.length
      const wait = due - (performance.now() - started)
      if (wait >= 1) await sleep(wait)
      writes.push(write(keys[i]!))
    }
    await Promise.all(writes)
    const deadlines = [...expected.values()].map((e) => e.deadline)
    const last = Math.max(...deadlines)
    report.note(
      `expiry [${scenario.id}]: ${expected.size} keys in ${rooms.length} rooms written in ${Math.round(performance.now() - started)} ms; Redis deadlines span ${last - Math.min(...deadlines)} ms`,
    )
    while (seen < expected.size && Date.now() < last + WAIT_MS) await sleep(20)
  } finally {
    loop.disable()
    await follower.stop()
  }

  const all = [...expected.values()]
  const arrived = all.filter((e) => e.arrival !== undefined && e.arrival - e.deadline <= WAIT_MS)
  const delays = sortNumbers(arrived.map((e) => e.arrival! - e.deadline))
  const detail = { keys: all.length, arrived: arrived.length, fillerKeys: FILLER_KEYS, rooms: rooms.length }
  const name = (what: string) => `expiry ${what} [${scenario.id}]`
  report.figure(name('delay p50'), percentile(delays, 50), 'ms', { detail })
  report.figure(name('delay p99'), percentile(delays, 99), 'ms', {
    ...(scenario.target ? { target: { op: '<=' as const, value: 20 } } : {}),
    detail,
  })
  report.figure(name('delay max'), percentile(delays, 100), 'ms', { detail })
  report.figure(name(`events in stream within ${WAIT_MS / 1000} s`), arrived.length, `of ${all.length}`, {
    target: { op: '>=', value: all.length },
  })
  const parts = (f: (e: Expected) => number | undefined) =>
    sortNumbers(arrived.map(f).filter((v): v is number => v !== undefined && Number.isFinite(v)))
  const setLag = parts((e) => (e.setAt === undefined ? undefined : e.setAt + TTL_SECONDS * 1000 - e.deadline))
  const toRecord = parts((e) => (e.recordedAt === undefined ? undefined : e.recordedAt - e.deadline))
  const toStream = parts((e) => (e.recordedAt === undefined ? undefined : e.arrival! - e.recordedAt))
  report.note(
    `expiry [${scenario.id}] where the time goes, p50/p99 ms: engine handled the SET reply after Redis ran it ${fmt(setLag)}; ` +
      `Redis deadline to expired recorded ${fmt(toRecord)}; recorded to in stream ${fmt(toStream)}; engine's own lateMs ${fmt(parts((e) => e.lateMs))}; ` +
      `event-loop delay p99/max ${(loop.percentile(99) / 1e6).toFixed(1)}/${(loop.max / 1e6).toFixed(1)}`,
  )
}

/** Redis alone: keys outside any room, no watch, their `expired` notifications on a subscriber. */
async function measureUnwatched(cmd: Redis, prefix: string, report: Reporter): Promise<void> {
  const n = PLAIN_KEYS
  const sub = new Redis(REDIS_URL, { connectionName: 'bench:sub' })
  const arrivals = new Map<string, number>()
  const db = cmd.options.db ?? 0
  const channelPrefix = `__keyspace@${db}__:`
  sub.on('pmessage', (_pattern: string, channel: string, event: string) => {
    const key = channel.slice(channelPrefix.length)
    if (event === 'expired' && !arrivals.has(key)) arrivals.set(key, Date.now())
  })
  // Keyspace channels (flag K, which the engine switches on): Redis sends only these keys' events.
  await sub.psubscribe(`${channelPrefix}${prefix}plain:*`)
  try {
    const deadlines = new Map<string, number>()
    const p = cmd.pipeline()
    for (let i = 0; i < n; i++)
      p.set(`${prefix}plain:${i}`, '1', 'PX', TTL_SECONDS * 1000).pexpiretime(`${prefix}plain:${i}`)
    const results = (await p.exec()) ?? []
    for (let i = 0; i < n; i++) deadlines.set(`${prefix}plain:${i}`, results[2 * i + 1]![1] as number)
    const last = Math.max(...deadlines.values())
    while (arrivals.size < n && Date.now() < last + WAIT_MS) await sleep(50)
    const delays = sortNumbers([...arrivals].map(([key, at]) => at - deadlines.get(key)!).filter((d) => d <= WAIT_MS))
    report.figure(`expiry without watch: notified within ${WAIT_MS / 1000} s`, delays.length, `of ${n}`, {
      detail: { p50: percentile(delays, 50), max: percentile(delays, 100) },
    })
    if (delays.length > 0)
      report.figure('expiry without watch: delay p50 of those notified', percentile(delays, 50), 'ms')
  } finally {
    sub.disconnect()
  }
}

/**
 * Resolves once the engine's subscriber connection has delivered everything published before now: a marker
 * published on a channel its pattern matches arrives after every earlier notification (one connection,
 * in order). Only listens on the engine's connection; the observer ignores the marker (not a room key).
 */
async function observerCaughtUp(app: RunningApp, cmd: Redis, marker: string): Promise<void> {
  const db = cmd.options.db ?? 0
  const sub = app.redis.sub
  await new Promise<void>((resolve, reject) => {
    const onMessage = (_pattern: string, _channel: string, message: string) => {
      if (message !== marker) return
      sub.off('pmessage', onMessage)
      resolve()
    }
    sub.on('pmessage', onMessage)
    // A channel the observer's keyspace pattern (`__keyspace@<db>__:lab:*`) matches, for a room nobody has.
    cmd.publish(`__keyspace@${db}__:lab:benchmarker:marker`, marker).catch(reject)
  })
}

/**
 * The first few hundred PGlite queries after it opens run about four times slower (1.4 ms against 0.35 ms
 * each here); a scenario should not pay for that. Runs the lab's user lookup 2000 times in a scratch room.
 */
async function warmDatabase(app: RunningApp): Promise<void> {
  const room = await benchRoom(app)
  const sql = 'SELECT id, name, email, popular, version, updated_at FROM users WHERE room = $1 AND id = $2'
  for (let round = 0; round < 2; round++) {
    await Promise.all(Array.from({ length: 1000 }, (_, i) => app.db.query(sql, [room, 1 + (i % USERS)])))
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
