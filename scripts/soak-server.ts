/**
 * The soak run's server: the whole app (real Redis, its own PGlite) in a process of its own, so what it
 * measures is the server alone: every 5 s it sends the parent its resident memory, heap and event-loop
 * delay percentiles over those 5 s. It runs the load itself, through the engine as the socket handlers do:
 * a steady stream of TTL-lab reads and updates, and every BURST_EVERY_MS a burst of reads all at once.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { startBenchApp } from '../bench/app'
import { cleanUp } from '../bench/cleanup'
import { LIMITS } from '../lib/limits'

const STEADY_PER_SECOND = Number(process.env.SOAK_STEADY ?? 100)
const BURST = Number(process.env.SOAK_BURST ?? 400)
const BURST_EVERY_MS = Number(process.env.SOAK_BURST_EVERY_MS ?? 10_000)

export interface SoakSample {
  at: number
  rssMb: number
  heapMb: number
  eldP50Ms: number
  eldP99Ms: number
  eldMaxMs: number
  requests: number
  failed: number
  lastSeq: number
}

const send = (msg: unknown) => process.send?.(msg)

const app = await startBenchApp({ ROOM_IDLE_MINUTES: '60' })
const res = await fetch(`${app.url}/api/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lab: 'ttl' }) })
const { code, room } = (await res.json()) as { code: string; room: string }
send({ type: 'ready', url: app.url, code, room })

let requests = 0
let failed = 0
let user = 0
const read = (by: 'load' | 'participant') => {
  requests++
  user = (user % LIMITS.usersPerRoom) + 1
  // One request in ten is an update, so the rows, the versions and the stale-read checks keep moving.
  const action = requests % 10 === 0 ? { action: 'update', userId: user, name: `soak ${requests}` } : { action: 'read', userId: user }
  app.engine.act(room, { lab: 'ttl', ...action }, by, 'soak').catch(() => failed++)
}
const steady = setInterval(() => {
  for (let i = 0; i < STEADY_PER_SECOND / 20; i++) read('load')
}, 50)
const bursts = setInterval(() => {
  for (let i = 0; i < BURST; i++) read('participant')
}, BURST_EVERY_MS)

const eld = monitorEventLoopDelay({ resolution: 10 })
eld.enable()
// The whole run's delays after the warm-up (the parent says when it ends), for one overall p99.
const run = monitorEventLoopDelay({ resolution: 10 })
run.enable()
const sampler = setInterval(() => {
  const mem = process.memoryUsage()
  const sample: SoakSample = {
    at: Date.now(),
    rssMb: mem.rss / 2 ** 20,
    heapMb: mem.heapUsed / 2 ** 20,
    eldP50Ms: eld.percentile(50) / 1e6,
    eldP99Ms: eld.percentile(99) / 1e6,
    eldMaxMs: eld.max / 1e6,
    requests,
    failed,
    lastSeq: app.engine.recorder.lastSeq(room),
  }
  eld.reset()
  send({ type: 'sample', sample })
}, 5000)

process.on('message', async (msg: { type: string }) => {
  if (msg.type === 'warm') run.reset()
  if (msg.type !== 'stop') return
  clearInterval(steady)
  clearInterval(bursts)
  clearInterval(sampler)
  await new Promise((r) => setTimeout(r, 1000)) // the last reads answer
  await app.engine.recorder.flush(room)
  const loop = { p50Ms: run.percentile(50) / 1e6, p99Ms: run.percentile(99) / 1e6, maxMs: run.max / 1e6 }
  send({ type: 'stopped', lastSeq: app.engine.recorder.lastSeq(room), requests, failed, loop })
  await app.sessions.remove(code)
  await cleanUp()
  process.exit(0)
})
