/**
 * `npm run fuzz`: the long fuzz run. Starts the app in this process (real Redis, its own PGlite), then sends
 * FUZZ_HTTP malformed HTTP requests and FUZZ_SOCKET malformed socket messages (10,000 each by default) from
 * seed FUZZ_SEED, on loopback, while a victim room is watched. Prints the counts, writes bench/out/fuzz.json
 * and exits 1 if anything failed (a server error, a missing answer, a crash, an event in the victim room).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { benchRoom, startBenchApp } from '../bench/app'
import { OUT_DIR } from '../bench/bench'
import { cleanUp, onCleanup } from '../bench/cleanup'
import { resolveConfig } from '../server/config'
import { runFuzz } from '../server/fuzz/run'

const HTTP = Number(process.env.FUZZ_HTTP ?? 10_000)
const SOCKET = Number(process.env.FUZZ_SOCKET ?? 10_000)
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31)

try {
  const app = await startBenchApp()
  const room = await benchRoom(app)
  const victim = await benchRoom(app)
  process.stdout.write(`fuzzing ${app.url} with ${HTTP} HTTP requests and ${SOCKET} socket messages, seed ${SEED}\n`)
  const report = await runFuzz({
    url: app.url,
    room,
    victim,
    httpCount: HTTP,
    socketCount: SOCKET,
    seed: SEED,
    maxBytes: resolveConfig({}).maxBodyBytes,
    created: ({ room: r, code }) => {
      if (r) onCleanup(() => app.engine.rooms.destroy(r))
      if (code) onCleanup(() => app.sessions.remove(code))
    },
  })
  const h = report.http
  const s = report.socket
  process.stdout.write(
    [
      `HTTP: ${h.sent} sent; ${h.clearErrors} clear errors, ${h.accepted} accepted (mutations that stayed valid), ${h.serverErrors} server errors, ${h.unclear} unclear, ${h.noAnswer} unanswered`,
      `  by status: ${Object.entries(h.byStatus).map(([k, v]) => `${k}: ${v}`).join(', ')}`,
      `socket: ${s.sent} sent; ${s.clearErrors} clear errors, ${s.accepted} accepted, ${s.closedOverSize} over the size limit (connection closed), ${s.unknownIgnored} unknown events ignored, ${s.noAck} unanswered, ${s.unclear} unclear`,
      `process: ${report.process.uncaughtExceptions} uncaught exceptions, ${report.process.unhandledRejections} unhandled rejections`,
      `victim room: ${report.victim.eventsDuringRun} events during the run`,
      `cross-room attempts: ${report.crossRoom.refused} of ${report.crossRoom.attempts} refused`,
      `took ${(report.ms / 1000).toFixed(1)} s`,
      ...report.failures.map((f) => `FAILURE ${f.kind}: ${f.what} → ${f.detail}`),
    ].join('\n') + '\n',
  )
  mkdirSync(OUT_DIR, { recursive: true })
  writeFileSync(path.join(OUT_DIR, 'fuzz.json'), JSON.stringify(report, null, 2))
  process.exitCode = report.failures.length > 0 ? 1 : 0
} catch (err) {
  process.stderr.write(`fuzz failed: ${(err as Error).stack ?? String(err)}\n`)
  process.exitCode = 1
} finally {
  await cleanUp()
}
process.exit()
