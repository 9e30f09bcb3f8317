/**
 * `npm run soak`: 200 session participants (socket.io clients in two worker threads) watch one lab for
 * SOAK_MINUTES (10) while the server (a child process: scripts/soak-server.ts) serves a steady load of
 * reads and updates and a burst every 10 s. Targets: the server's resident memory grows less than 10% from
 * the end of the warm-up (SOAK_WARMUP_MINUTES, 2) to the end; the server's event-loop delay p99 over the
 * whole run after the warm-up under 50 ms; every participant received every event. Writes bench/out/soak.json; exits 1 if
 * a target was missed.
 *
 * Knobs: SOAK_MINUTES, SOAK_WARMUP_MINUTES, SOAK_CLIENTS (200), SOAK_STEADY (requests/s, 100),
 * SOAK_BURST (requests per burst, 400), SOAK_BURST_EVERY_MS (10000).
 */
import { fork } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { OUT_DIR } from '../bench/bench'
import { startClients } from '../bench/classroom-clients'
import type { SoakSample } from './soak-server'

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10)
const WARMUP_MINUTES = Number(process.env.SOAK_WARMUP_MINUTES ?? Math.min(2, MINUTES / 5))
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 200)

type ServerMsg =
  | { type: 'ready'; url: string; code: string; room: string }
  | { type: 'sample'; sample: SoakSample }
  | { type: 'stopped'; lastSeq: number; requests: number; failed: number; loop: { p50Ms: number; p99Ms: number; maxMs: number } }

const server = fork(path.join(import.meta.dirname, 'soak-server.ts'), {
  execArgv: ['--max-semi-space-size=128', '--import', 'tsx'],
  env: { ...process.env, NODE_ENV: 'production' },
})
const samples: SoakSample[] = []
const waitFor = <T extends ServerMsg['type']>(type: T) =>
  new Promise<Extract<ServerMsg, { type: T }>>((resolve, reject) => {
    const on = (msg: ServerMsg) => {
      if (msg.type !== type) return
      server.off('message', on)
      resolve(msg as Extract<ServerMsg, { type: T }>)
    }
    server.on('message', on)
    server.once('exit', (code) => reject(new Error(`the soak server exited (${code})`)))
  })
server.on('message', (msg: ServerMsg) => {
  if (msg.type !== 'sample') return
  samples.push(msg.sample)
  const s = msg.sample
  const minute = ((s.at - samples[0]!.at) / 60_000 + 5 / 60).toFixed(1)
  process.stdout.write(
    `${minute.padStart(5)} min  rss ${s.rssMb.toFixed(0)} MB  heap ${s.heapMb.toFixed(0)} MB  loop delay p99 ${s.eldP99Ms.toFixed(1)} ms (max ${s.eldMaxMs.toFixed(0)})  ${s.requests} requests, ${s.failed} failed, seq ${s.lastSeq}\n`,
  )
})

let failed = false
try {
  const { url, code } = await waitFor('ready')
  const half = Math.ceil(CLIENTS / 2)
  const groups = await Promise.all(
    [0, 1].map((w) => startClients({ url, code, clients: Math.min(half, CLIENTS - w * half), first: w * half, delays: false })),
  )
  process.stdout.write(`${CLIENTS} participants joined; soaking for ${MINUTES} min (warm-up ${WARMUP_MINUTES} min)\n`)
  const started = Date.now()
  await new Promise((r) => setTimeout(r, WARMUP_MINUTES * 60_000))
  server.send({ type: 'warm' })
  await new Promise((r) => setTimeout(r, (MINUTES - WARMUP_MINUTES) * 60_000))
  const stoppedWait = waitFor('stopped')
  server.send({ type: 'stop' })
  const stopped = await stoppedWait
  const results = await Promise.all(groups.map((g) => g.finish(stopped.lastSeq, 20_000)))
  const clients = results.flatMap((r) => r.clients)

  const afterWarmup = samples.filter((s) => s.at - started >= WARMUP_MINUTES * 60_000)
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)
  // Memory: the mean of the first minute after the warm-up against the mean of the last minute.
  const perMinute = 12
  const rssStart = mean(afterWarmup.slice(0, perMinute).map((s) => s.rssMb))
  const rssEnd = mean(afterWarmup.slice(-perMinute).map((s) => s.rssMb))
  const growth = ((rssEnd - rssStart) / rssStart) * 100
  const eldP99 = stopped.loop.p99Ms
  const worstWindow = Math.max(...afterWarmup.map((s) => s.eldP99Ms))
  const gaps = clients.reduce((a, c) => a + c.gaps + Math.max(0, stopped.lastSeq - c.lastSeq), 0)
  const complete = clients.filter((c) => c.gaps === 0 && c.lastSeq === stopped.lastSeq).length
  const summary = {
    minutes: MINUTES,
    warmupMinutes: WARMUP_MINUTES,
    clients: CLIENTS,
    requests: stopped.requests,
    failedRequests: stopped.failed,
    events: stopped.lastSeq,
    rssAfterWarmupMb: Math.round(rssStart),
    rssAtEndMb: Math.round(rssEnd),
    rssGrowthPercent: Math.round(growth * 10) / 10,
    eventLoopDelayP99Ms: Math.round(eldP99 * 10) / 10,
    eventLoopDelayMaxMs: Math.round(stopped.loop.maxMs),
    worstWindowP99Ms: Math.round(worstWindow * 10) / 10,
    participantsWithEveryEvent: complete,
    missingEvents: gaps,
  }
  failed = growth >= 10 || eldP99 >= 50 || gaps > 0 || complete < CLIENTS
  process.stdout.write(
    [
      `${stopped.requests} requests (${stopped.failed} failed), ${stopped.lastSeq} events`,
      `resident memory ${summary.rssAfterWarmupMb} MB after warm-up → ${summary.rssAtEndMb} MB at the end: ${summary.rssGrowthPercent}% (target < 10%)`,
      `event-loop delay after warm-up: p99 ${summary.eventLoopDelayP99Ms} ms (target < 50 ms), max ${summary.eventLoopDelayMaxMs} ms; worst 5 s window's p99 ${summary.worstWindowP99Ms} ms`,
      `participants with every event: ${complete} of ${CLIENTS}; missing events ${gaps} (target 0)`,
      failed ? 'SOAK FAILED a target' : 'soak ok',
    ].join('\n') + '\n',
  )
  mkdirSync(OUT_DIR, { recursive: true })
  writeFileSync(path.join(OUT_DIR, 'soak.json'), JSON.stringify({ summary, samples }, null, 2))
} catch (err) {
  process.stderr.write(`soak failed: ${(err as Error).stack ?? String(err)}\n`)
  failed = true
  server.kill('SIGTERM')
}
process.exit(failed ? 1 : 0)
