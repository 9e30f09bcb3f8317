/**
 * Classroom: 200 participants (socket.io clients on loopback, in a worker thread) joined to one session
 * while the lab emits 1000 events a second for 10 s. Targets: every participant receives every event (no
 * sequence gaps, nothing missing), and p99 from an event being recorded on the server to a participant
 * having it is at most 100 ms. The events are the TTL lab's own: reads of the room's users, paced so the
 * recorder sees 1000 events a second (a read makes a handful: request, cache lookup, maybe a query and a
 * set, response). The delay includes the recorder's batching (one message per room every few ms), which is
 * what a participant's screen waits for.
 *
 * Knobs: BENCH_CLASS_CLIENTS (200), BENCH_CLASS_RATE (events/s, 1000), BENCH_CLASS_SECONDS (10).
 */
import { LIMITS } from '../lib/limits'
import { startBenchApp } from './app'
import { isMain, runStandalone, type Bench } from './bench'
import { startClients } from './classroom-clients'
import { onCleanup } from './cleanup'
import type { Reporter } from './report'
import { percentile, sleep } from './stats'

const CLIENTS = Number(process.env.BENCH_CLASS_CLIENTS ?? 200)
const RATE = Number(process.env.BENCH_CLASS_RATE ?? 1000)
const SECONDS = Number(process.env.BENCH_CLASS_SECONDS ?? 10)
const WORKERS = Number(process.env.BENCH_CLASS_WORKERS ?? 2)

export const classroom: Bench = {
  id: 'classroom',
  summary: `${CLIENTS} participants in one session while the lab emits ${RATE} events/s: no gaps, p99 delivery`,
  async run(report: Reporter) {
    const app = await startBenchApp()
    const { code, room } = await createSession(app.url)
    onCleanup(async () => {
      await app.sessions.remove(code)
      await app.engine.rooms.destroy(room)
    })

    const joinStarted = performance.now()
    // Participants' own devices decode their own messages: two threads share that work here (the machine's
    // two cores are shared with the server too, so this still overstates what a class of phones would see).
    const half = Math.ceil(CLIENTS / WORKERS)
    const groups = await Promise.all(
      Array.from({ length: WORKERS }, (_, w) => startClients({ url: app.url, code, clients: Math.min(half, CLIENTS - w * half), first: w * half })),
    )
    report.note(`${CLIENTS} participants joined in ${Math.round(performance.now() - joinStarted)} ms`)

    // Count what the recorder records, and pace reads to hold RATE events a second.
    let recorded = 0
    let firstSeq = 0
    const stopListening = app.engine.recorder.listen(room, (e) => {
      if (firstSeq === 0) firstSeq = e.seq
      recorded++
    })
    const started = performance.now()
    let reads = 0
    let failed = 0
    let user = 0
    while (performance.now() - started < SECONDS * 1000) {
      const due = (RATE * (performance.now() - started)) / 1000
      const perRead = reads > 0 ? recorded / reads : 4
      const burst = Math.max(0, Math.floor((due - recorded) / perRead))
      for (let i = 0; i < burst; i++) {
        reads++
        user = (user % LIMITS.usersPerRoom) + 1
        app.engine.act(room, { lab: 'ttl', action: 'read', userId: user }, 'participant', 'bench').catch(() => failed++)
      }
      await sleep(5)
    }
    const elapsed = (performance.now() - started) / 1000
    await sleep(200)
    await app.engine.recorder.flush(room)
    stopListening()
    const lastSeq = app.engine.recorder.lastSeq(room)
    const results = await Promise.all(groups.map((g) => g.finish(lastSeq, 10_000)))
    const result = { clients: results.flatMap((r) => r.clients), delays: results.flatMap((r) => Array.from(r.delays)) }

    const expected = lastSeq - firstSeq + 1
    const gaps = result.clients.reduce((a, c) => a + c.gaps, 0)
    const missing = result.clients.reduce((a, c) => a + Math.max(0, lastSeq - c.lastSeq) + Math.max(0, c.firstSeq - firstSeq), 0)
    const complete = result.clients.filter((c) => c.gaps === 0 && c.firstSeq <= firstSeq && c.lastSeq === lastSeq).length
    const delays = result.delays.sort((a, b) => a - b)
    report.note(`${reads} reads (${failed} failed), ${expected} events in ${elapsed.toFixed(1)} s; ${delays.length} receipts`)
    report.figure('events emitted per second', Math.round(expected / elapsed), 'events/s', { target: { op: '>=', value: RATE * 0.95 } })
    report.figure('participants that received every event', complete, `of ${CLIENTS}`, { target: { op: '>=', value: CLIENTS } })
    report.figure('sequence gaps, all participants', gaps + missing, 'events', { target: { op: '<=', value: 0 } })
    report.figure('delivery delay p50', percentile(delays, 50), 'ms')
    report.figure('delivery delay p99', percentile(delays, 99), 'ms', { target: { op: '<=', value: 100 } })
    report.figure('delivery delay max', percentile(delays, 100), 'ms')
  },
}

async function createSession(url: string): Promise<{ code: string; room: string }> {
  const res = await fetch(`${url}/api/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lab: 'ttl' }) })
  if (!res.ok) throw new Error(`could not create a session: HTTP ${res.status}`)
  return (await res.json()) as { code: string; room: string }
}

if (isMain(import.meta.url)) await runStandalone(classroom)
