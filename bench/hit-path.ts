/**
 * Hit path: what the engine's cache-aside read costs over a bare Redis GET.
 *
 * One room, the TTL lab with a one-hour TTL, user 1 read once so its key is cached. Then, in the same
 * process and in alternating rounds, a fixed number of operations with 1000 in flight, each variant on the
 * same key:
 *   raw         GET on a separate ioredis client (auto-pipelining on): the ceiling.
 *   app-client  GET on the engine's own command client (auto-pipelining plus fail-fast options).
 *   strategy    room.request('read') → readUser: the strategy with its events, without engine.act.
 *   engine.act  engine.act(room, { lab: 'ttl', action: 'read', userId: 1 }, 'api'): what the API runs.
 * Engine rounds end when the room's stream holds every event they recorded (request, hit, response per
 * read), so the recorder's appends are inside the measured time. The headline is engine.act / raw.
 */
import { Redis } from 'ioredis'
import { collectGarbage } from './gc'
import { roomKeys } from '../lib/keys'
import { readUser, type ReadOutcome } from '../server/engine/strategies/cache-aside-ttl'
import { benchRoom, REDIS_URL, startBenchApp } from './app'
import { isMain, runStandalone, type Bench } from './bench'
import { cleanUp, onCleanup } from './cleanup'
import { median } from './stats'

const OPS = Number(process.env.BENCH_OPS ?? 100_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const WARMUP_OPS = Math.min(OPS, 20_000)
const CONCURRENCY = 1000
const TTL_SECONDS = 3600
const USER_ID = 1

interface Variant {
  id: 'plain' | 'raw' | 'app-client' | 'strategy' | 'engine.act'
  label: string
  /** One operation; returns false if it was not a cache hit. */
  op(): Promise<boolean>
  /** Runs after the operations, inside the measured time (the recorder catching up). */
  settle?(): Promise<void>
  /** Events each operation records (checked after the run). */
  eventsPerOp: number
}

interface Sample {
  opsPerSec: number
  /** Node CPU (user + system) per operation, µs. */
  nodeUsPerOp: number
  /** Redis server CPU per operation, µs. */
  redisUsPerOp: number
  notHits: number
}

export const hitPath: Bench = {
  id: 'hit-path',
  summary: 'engine cache-aside read on a hit vs a raw ioredis GET, 1000 in flight',
  async run(report) {
    const app = await startBenchApp()
    const raw = new Redis(REDIS_URL, { enableAutoPipelining: true, connectionName: 'bench:raw' })
    onCleanup(() => raw.quit().catch(() => raw.disconnect()))
    // ioredis as it comes: `new Redis(url)`, default options (auto-pipelining off).
    const plain = new Redis(REDIS_URL, { connectionName: 'bench:plain' })
    onCleanup(() => plain.quit().catch(() => plain.disconnect()))
    const { engine } = app
    try {
      const room = await benchRoom(app)
      const live = await engine.room(room)
      await engine.act(room, { lab: 'ttl', action: 'setTtl', seconds: TTL_SECONDS }, 'api')
      const first = (await engine.act(room, { lab: 'ttl', action: 'read', userId: USER_ID }, 'api')) as ReadOutcome
      const second = (await engine.act(room, { lab: 'ttl', action: 'read', userId: USER_ID }, 'api')) as ReadOutcome
      if (first.from !== 'db' || second.from !== 'cache') {
        throw new Error(`warming failed: first read from ${first.from}, second from ${second.from}`)
      }
      const fullKey = roomKeys(room).full(`user:${USER_ID}`)
      const ttlMs = TTL_SECONDS * 1000
      const settle = () => streamCaughtUp(raw, room, () => engine.recorder.lastSeq(room))

      const variants: Variant[] = [
        {
          id: 'plain',
          label: 'raw GET (default ioredis client)',
          eventsPerOp: 0,
          op: async () => (await plain.get(fullKey)) !== null,
        },
        {
          id: 'raw',
          label: 'raw GET (auto-pipelined ioredis client)',
          eventsPerOp: 0,
          op: async () => (await raw.get(fullKey)) !== null,
        },
        {
          id: 'app-client',
          label: "raw GET (engine's client)",
          eventsPerOp: 0,
          op: async () => (await app.redis.command.get(fullKey)) !== null,
        },
        {
          id: 'strategy',
          label: 'room.request + readUser',
          eventsPerOp: 3,
          settle,
          op: async () =>
            (await live.room.request('read', 'api', (s) => readUser(s, USER_ID, ttlMs), { key: `user:${USER_ID}` }))
              .from === 'cache',
        },
        {
          id: 'engine.act',
          label: 'engine.act ttl.read',
          eventsPerOp: 3,
          settle,
          op: async () =>
            ((await engine.act(room, { lab: 'ttl', action: 'read', userId: USER_ID }, 'api')) as ReadOutcome).from ===
            'cache',
        },
      ]

      report.note(
        `hit-path: ${OPS} ops per variant per round, ${CONCURRENCY} in flight, ${ROUNDS} rounds after ${WARMUP_OPS} warm-up ops, key ${fullKey}`,
      )
      for (const v of variants) await measure(v, WARMUP_OPS, raw)

      const samples = new Map<Variant['id'], Sample[]>(variants.map((v) => [v.id, []]))
      for (let round = 0; round < ROUNDS; round++) {
        // Rotate the order so no variant always runs right after the same other one.
        const order = variants.map((_, i) => variants[(i + round) % variants.length]!)
        for (const v of order) {
          const seqBefore = engine.recorder.lastSeq(room)
          const s = await measure(v, OPS, raw)
          const recorded = engine.recorder.lastSeq(room) - seqBefore
          if (recorded !== v.eventsPerOp * OPS) {
            throw new Error(`${v.id}: expected ${v.eventsPerOp * OPS} events, the recorder numbered ${recorded}`)
          }
          if (s.notHits > 0) throw new Error(`${v.id}: ${s.notHits} of ${OPS} reads were not cache hits`)
          samples.get(v.id)!.push(s)
          report.note(
            `round ${round + 1} ${v.id}: ${Math.round(s.opsPerSec)} ops/s, node ${s.nodeUsPerOp.toFixed(1)} µs/op, redis ${s.redisUsPerOp.toFixed(1)} µs/op`,
          )
        }
      }

      const rate = (id: Variant['id']) => samples.get(id)!.map((s) => s.opsPerSec)
      for (const v of variants) {
        const list = samples.get(v.id)!
        report.figure(`hit-path ${v.label} throughput`, median(rate(v.id)), 'ops/s', {
          detail: { rounds: list.map((s) => Math.round(s.opsPerSec)) },
        })
      }
      const plainRatios = rate('engine.act').map((e, i) => e / rate('plain')[i]!)
      report.figure('hit-path throughput ratio, engine read / raw GET on a default ioredis client', median(plainRatios), 'x', {
        target: { op: '>=', value: 0.8 },
        detail: { rounds: plainRatios.map((r) => Math.round(r * 1000) / 1000), of: 'engine.act / plain GET' },
      })
      const ratios = rate('engine.act').map((e, i) => e / rate('raw')[i]!)
      report.figure('hit-path throughput ratio, engine read / raw GET on an auto-pipelined client', median(ratios), 'x', {
        detail: { rounds: ratios.map((r) => Math.round(r * 1000) / 1000), of: 'engine.act / auto-pipelined GET' },
      })
      // Both sides are bound by this process's CPU, so CPU per operation gives the same ratio with less noise
      // from whatever else the machine is running.
      const cpu = (id: Variant['id']) => median(samples.get(id)!.map((s) => s.nodeUsPerOp))
      report.figure('hit-path CPU-cost ratio (raw µs/op over engine.act µs/op)', cpu('raw') / cpu('engine.act'), 'x')
      report.figure('hit-path strategy / raw ratio', median(rate('strategy').map((e, i) => e / rate('raw')[i]!)), 'x')
      for (const id of ['raw', 'engine.act'] as const) {
        const list = samples.get(id)!
        report.figure(`hit-path node CPU per ${id} op`, median(list.map((s) => s.nodeUsPerOp)), 'µs')
        report.figure(`hit-path redis CPU per ${id} op`, median(list.map((s) => s.redisUsPerOp)), 'µs')
      }
      report.figure('hit-path stream bytes per engine read', (await streamBytesPerEvent(raw, room)) * 3, 'B')
    } finally {
      await cleanUp()
    }
  },
}

/** Runs `ops` operations with CONCURRENCY in flight, then the variant's settle step, and times it all. */
async function measure(v: Variant, ops: number, redis: Redis): Promise<Sample> {
  let issued = 0
  let notHits = 0
  const worker = async () => {
    while (issued < ops) {
      issued += 1
      if (!(await v.op())) notHits += 1
    }
  }
  // Start from a clean heap, so one variant does not pay for the garbage the one before it left.
  collectGarbage()
  const redisBefore = await redisCpuSeconds(redis)
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  await v.settle?.()
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  const redisSeconds = (await redisCpuSeconds(redis)) - redisBefore
  return {
    opsPerSec: ops / seconds,
    nodeUsPerOp: (cpu.user + cpu.system) / ops,
    redisUsPerOp: (redisSeconds * 1e6) / ops,
    notHits,
  }
}

/** Resolves once the room's stream holds every event the recorder has numbered. */
async function streamCaughtUp(redis: Redis, room: string, lastSeq: () => number): Promise<void> {
  const key = roomKeys(room).events
  for (;;) {
    const [top] = await redis.xrevrange(key, '+', '-', 'COUNT', 1)
    if (top && Number.parseInt(top[0], 10) >= lastSeq()) return
    await new Promise((resolve) => setImmediate(resolve))
  }
}

/** Redis's own CPU time (user + system, main thread and all), from INFO CPU. */
async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu')
  const field = (name: string) => Number(new RegExp(`^${name}:(\\S+)`, 'm').exec(info)?.[1] ?? 0)
  return field('used_cpu_user') + field('used_cpu_sys')
}

/** Average size of one event in the room's stream (the JSON in field `e`), from its newest entry. */
async function streamBytesPerEvent(redis: Redis, room: string): Promise<number> {
  const [top] = await redis.xrevrange(roomKeys(room).events, '+', '-', 'COUNT', 1)
  const fields = top?.[1] ?? []
  const json = fields[fields.indexOf('e') + 1] ?? '[]'
  const count = (JSON.parse(json) as unknown[]).length
  return count === 0 ? 0 : Buffer.byteLength(json) / count
}

if (isMain(import.meta.url)) await runStandalone(hitPath)
