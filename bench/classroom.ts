/**
 * Classroom: 500 participants (lean socket.io clients on loopback, in worker threads) joined to one session
 * on one instance while the lab emits 1000 events a second for 10 s. Targets: every participant receives
 * every event (no sequence gaps, nothing missing), and p99 from an event being recorded on the server to a
 * participant having it is at most 100 ms. The events are the TTL lab's own: reads of the room's users, paced
 * so the recorder sees 1000 events a second (a read makes a handful: request, cache lookup, maybe a query
 * and a set, response). The delay includes the recorder's batching (one message per room every few ms),
 * which is what a participant's screen waits for. Two instances behind a balancer: classroom-cluster.ts.
 *
 * Knobs: BENCH_CLASS_CLIENTS (500), BENCH_CLASS_RATE (events/s, 1000), BENCH_CLASS_SECONDS (10),
 * BENCH_CLASS_WORKERS (client threads, 2), BENCH_CLASS_DECODE=full (clients JSON.parse every batch).
 */
import { startBenchApp } from './app'
import { isMain, runStandalone, type Bench } from './bench'
import { classroomKnobs, createSession, measureClassroom } from './classroom-run'
import { cleanUp, onCleanup } from './cleanup'
import type { Reporter } from './report'

const knobs = classroomKnobs(500)

export const classroom: Bench = {
  id: 'classroom',
  summary: `${knobs.clients} participants in one session on one instance while the lab emits ${knobs.rate} events/s: no gaps, p99 delivery`,
  async run(report: Reporter) {
    try {
      const app = await startBenchApp()
      const { code, room } = await createSession(app.url)
      onCleanup(async () => {
        await app.sessions.remove(code)
        await app.engine.rooms.destroy(room)
      })
      await measureClassroom(report, { owner: app, url: app.url, code, room, ...knobs })
    } finally {
      // The session, its room and the app go before the next bench starts.
      await cleanUp()
    }
  },
}

if (isMain(import.meta.url)) await runStandalone(classroom)
