/**
 * The measuring part of the classroom benches, shared by one instance (classroom.ts) and two behind a
 * balancer (classroom-cluster.ts): joins the participants (in worker threads, lean WebSocket clients),
 * drives the TTL lab on the room's owner at RATE events a second, waits until every participant has the last
 * event, and reports: events per second, participants that received every event, sequence gaps, and the
 * delivery delay (receipt time − event time, both the machine's wall clock) at p50, p99 and max.
 */
import { readFileSync } from 'node:fs'
import os from 'node:os'
import { LIMITS } from '../lib/limits'
import type { RunningApp } from '../server/app'
import { startClients } from './classroom-clients'
import type { Reporter } from './report'
import { sleep } from './stats'

export interface ClassroomRun {
  /** The instance that owns the room: the lab is driven on its engine, in process. */
  owner: RunningApp
  /** Where participants connect (the instance itself, or a balancer in front of several). */
  url: string
  code: string
  room: string
  clients: number
  rate: number
  seconds: number
  workers: number
  fullDecode: boolean
}

export async function measureClassroom(report: Reporter, run: ClassroomRun): Promise<void> {
  const { owner, room } = run
  const joinStarted = performance.now()
  // Participants' own devices decode their own messages: worker threads share that work here (the machine's
  // two cores are shared with the server too, so this still overstates what a class of phones would see).
  const per = Math.ceil(run.clients / run.workers)
  const groups = await Promise.all(
    Array.from({ length: run.workers }, (_, w) =>
      startClients({ url: run.url, code: run.code, clients: Math.max(0, Math.min(per, run.clients - w * per)), first: w * per, fullDecode: run.fullDecode }),
    ),
  )
  report.note(`${run.clients} participants joined in ${Math.round(performance.now() - joinStarted)} ms`)

  // Count what the recorder records, and pace reads to hold `rate` events a second.
  let recorded = 0
  let firstSeq = 0
  const stopListening = owner.engine.recorder.listen(room, (e) => {
    if (firstSeq === 0) firstSeq = e.seq
    recorded++
  })
  const cpu = process.cpuUsage()
  const mainCpu = mainThreadCpuMs()
  const started = performance.now()
  let reads = 0
  let done = 0
  let failed = 0
  const failures = new Map<string, number>()
  let user = 0
  while (performance.now() - started < run.seconds * 1000) {
    const due = (run.rate * (performance.now() - started)) / 1000
    // Events per finished read; reads still on their way count as that many events to come, so a slow moment
    // does not make the loop fire a burst that overshoots the rate once they land.
    const perRead = done > 0 ? Math.max(1, recorded / done) : 4
    const burst = Math.max(0, Math.floor((due - recorded - (reads - done) * perRead) / perRead))
    for (let i = 0; i < burst; i++) {
      reads++
      user = (user % LIMITS.usersPerRoom) + 1
      owner.engine
        .act(room, { lab: 'ttl', action: 'read', userId: user }, 'participant', 'bench')
        .catch((err: unknown) => {
          failed++
          const why = (err as { code?: string }).code ?? (err as Error).message
          failures.set(why, (failures.get(why) ?? 0) + 1)
        })
        .finally(() => done++)
    }
    await sleep(5)
  }
  const elapsed = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  const serverCpu = mainThreadCpuMs() - mainCpu
  await sleep(200)
  await owner.engine.recorder.flush(room)
  stopListening()
  const lastSeq = owner.engine.recorder.lastSeq(room)
  // Every participant must end with the last event; a slow machine gets time to deliver what is queued.
  const results = await Promise.all(groups.map((g) => g.finish(lastSeq, 30_000)))
  const clients = results.flatMap((r) => r.clients)
  // Millions of receipts: one typed array, sorted numerically in place (no comparator calls).
  const delays = new Float64Array(results.reduce((n, r) => n + r.delays.length, 0))
  let at = 0
  for (const r of results) {
    delays.set(r.delays, at)
    at += r.delays.length
  }
  delays.sort()

  const expected = lastSeq - firstSeq + 1
  const gaps = clients.reduce((a, c) => a + c.gaps, 0)
  const missing = clients.reduce((a, c) => a + Math.max(0, lastSeq - c.lastSeq) + Math.max(0, c.firstSeq - firstSeq), 0)
  const complete = clients.filter((c) => c.gaps === 0 && c.firstSeq <= firstSeq && c.lastSeq === lastSeq).length
  const why = failed > 0 ? ` (${[...failures].map(([k, n]) => `${n}× ${k}`).join(', ')})` : ''
  report.note(`${reads} reads (${failed} failed${why}), ${expected} events in ${elapsed.toFixed(1)} s; ${delays.length} receipts`)
  // CPU time, not wall time: on a machine shared with other work these stay comparable between runs.
  report.note(
    `CPU while driving: the owner instance's thread ${Math.round(serverCpu / 10 / elapsed)}% of a core, the whole bench process ${Math.round(((used.user + used.system) / 1e6 / elapsed) * 100)}%; load average ${os.loadavg()[0]!.toFixed(1)}`,
  )
  report.figure('events emitted per second', Math.round(expected / elapsed), 'events/s', { target: { op: '>=', value: run.rate * 0.95 } })
  report.figure('participants that received every event', complete, `of ${run.clients}`, { target: { op: '>=', value: run.clients } })
  report.figure('sequence gaps, all participants', gaps, 'events', { target: { op: '<=', value: 0 } })
  report.figure('events never received (not there 30 s after the last was sent)', missing, 'events', { target: { op: '<=', value: 0 } })
  report.figure('delivery delay p50', nearestRank(delays, 50), 'ms')
  report.figure('delivery delay p99', nearestRank(delays, 99), 'ms', { target: { op: '<=', value: 100 } })
  report.figure('delivery delay max', nearestRank(delays, 100), 'ms')
}

/** The p-th percentile (0–100) of sorted samples by nearest rank, as stats.percentile; NaN for none. */
function nearestRank(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

/** CPU time (user + system) of this process's main thread, where the app runs, in ms (Linux; 0 elsewhere). */
function mainThreadCpuMs(): number {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
  } catch {
    return 0
  }
}

export async function createSession(url: string): Promise<{ code: string; room: string }> {
  const res = await fetch(`${url}/api/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lab: 'ttl' }) })
  if (!res.ok) throw new Error(`could not create a session: HTTP ${res.status}`)
  return (await res.json()) as { code: string; room: string }
}

export function classroomKnobs(defaultClients: number) {
  return {
    clients: Number(process.env.BENCH_CLASS_CLIENTS ?? defaultClients),
    rate: Number(process.env.BENCH_CLASS_RATE ?? 1000),
    seconds: Number(process.env.BENCH_CLASS_SECONDS ?? 10),
    workers: Number(process.env.BENCH_CLASS_WORKERS ?? 2),
    fullDecode: process.env.BENCH_CLASS_DECODE === 'full',
  }
}
