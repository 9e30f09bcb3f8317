/**
 * Runs one fault of the matrix against a whole app (Redis and a database of its own, the engine, socket.io):
 * watchers join a room as pages do, a driver reads at a steady rate, the fault is injected, held and healed,
 * and the report says what the pages saw, how the reads fared, how long recovery took, and whether any
 * event went missing or anything crashed.
 */
import { performance } from 'node:perf_hooks'
import { startApp, type RunningApp } from '../app'
import { resolveConfig } from '../config'
import { openWatcher, startDriver, type ReadAnswer, type Watcher } from './clients'
import type { Fault, FaultContext } from './faults'
import { startHttpProber, type HttpProbeReport } from './http-prober'
import { PrivatePostgres } from './postgres-server'
import { PrivateRedis } from './redis-server'

export interface RunOptions {
  /** PGlite directory for the faults that use the embedded database (prepared by the caller). */
  pgliteDir: string
  watchers?: number
  /** Reads fired per second by the driver (the socket allows a browser 20 actions a second). */
  readsPerSecond?: number
  /** Serve the pages too (so a browser can watch; needs a production build). */
  next?: boolean
  /** Called with the app's URL once it runs, and awaited after recovery (a browser watching, say). */
  /** An outside observer (a browser); the fault waits for `ready`, so it is not injected before a page shows. */
  observe?: (url: string, marks: Marks) => { ready?: Promise<unknown>; done(): Promise<Record<string, unknown>> }
}

/** Times (performance.now()) of the fault's life, shared with observers. */
export interface Marks {
  injected?: number
  healed?: number
}

export interface FaultReport {
  fault: string
  title: string
  shows: Fault['shows']
  /** From injection until the slowest watcher showed it (status or a failed request); null if none did. */
  shownAfterMs: number | null
  /** Watchers that showed it. */
  watchersShowing: number
  watchers: number
  /** From heal until the status was back to normal and a normal read (a cache hit for Redis faults) was served. */
  recoveredAfterMs: number | null
  reads: {
    total: number
    fromCache: number
    fromDb: number
    /** Failed with an error code and a message. */
    failedClearly: number
    /** Each distinct error a failed read answered with, and how often. */
    errors: Record<string, number>
    failedUnclearly: number
    unanswered: number
    /** Reads sent while the fault was on, and how they ended. */
    duringFault: { total: number; ok: number; failedClearly: number; slowestMs: number }
  }
  /** Sequence numbers missing between each watcher's first and last event (summed over watchers). */
  missingEvents: number
  eventsSeen: number
  unhandled: string[]
  appAnswersAfter: boolean
  /** The HTTP API probed on every route while the fault was on (see http-prober.ts). */
  http: HttpProbeReport
  observed?: Record<string, unknown>
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function runFault(fault: Fault, opts: RunOptions): Promise<FaultReport> {
  const unhandled: string[] = []
  const onUnhandled = (err: unknown) => void unhandled.push(String((err as Error)?.stack ?? err))
  process.on('unhandledRejection', onUnhandled)
  process.on('uncaughtException', onUnhandled)

  const redis = await PrivateRedis.start()
  const postgres = fault.database === 'postgres' ? await PrivatePostgres.start() : undefined
  let app: RunningApp | undefined
  const watchers: Watcher[] = []
  try {
    const config = resolveConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      REDIS_URL: redis.url,
      NODE_ENV: opts.next ? 'production' : 'test',
      LOG_LEVEL: 'error',
      ...(postgres ? { DATABASE_URL: postgres.url } : { PGLITE_DIR: opts.pgliteDir }),
    })
    app = await startApp({ config, next: opts.next ?? false })
    const ctx: FaultContext = { app, redis, postgres }
    const { id: room } = await app.engine.createRoom()
    for (let i = 0; i < (opts.watchers ?? 3); i++) watchers.push(await openWatcher(app.url, room))
    const marks: Marks = {}
    const observer = opts.observe?.(app.url, marks)
    // A 1 s TTL over 8 users read in turn (each every ~0.5 s) makes about every other read a miss, so both
    // Redis and the database are on the read path all along.
    await app.engine.act(room, { lab: 'ttl', action: 'setTtl', seconds: 1 }, 'api')
    const driver = await startDriver(app.url, room, { everyMs: Math.round(1000 / (opts.readsPerSecond ?? 16)), users: 8, patienceMs: 8000 })
    // A classroom too, so the HTTP prober covers a room that needs its host secret, and a session lookup.
    const session = (await (await fetch(`${app.url}/api/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as {
      code: string
      room: string
      hostSecret: string
    }
    const prober = startHttpProber(
      app.url,
      { room, classroom: { room: session.room, code: session.code, secret: session.hostSecret } },
      { inFault: () => marks.injected !== undefined && marks.healed === undefined },
    )
    await sleep(1500)
    await observer?.ready

    const t0 = performance.now()
    marks.injected = t0
    await fault.inject(ctx)
    await sleep(fault.holdMs)
    await fault.heal(ctx)
    const healed = performance.now()
    marks.healed = healed

    const normal = (a: ReadAnswer) => a.ok === true && (fault.shows.startsWith('redis') ? a.from === 'cache' : a.from === 'db')
    const statusOk = (w: Watcher) => {
      const last = w.statuses.at(-1)?.status
      return !last || (last.redis.ok && last.db.ok)
    }
    let recoveredAt: number | undefined
    const deadline = healed + 15_000
    while (performance.now() < deadline) {
      const read = driver.answers.find((a) => a.sentAt >= healed && normal(a) && a.answeredAt !== undefined)
      if (read && watchers.every(statusOk)) {
        recoveredAt = Math.max(read.answeredAt!, ...watchers.map((w) => w.statuses.at(-1)?.at ?? 0))
        break
      }
      await sleep(20)
    }
    await sleep(1000)
    const http = await prober.stop()
    await driver.stop()
    driver.close()
    await sleep(500) // the recorder's last batch
    const observed = await observer?.done()

    const shownAt = watchers.map((w) => firstSign(w, fault, t0))
    const showing = shownAt.filter((t): t is number => t !== undefined)
    const answers = driver.answers
    const during = answers.filter((a) => a.sentAt >= t0 && a.sentAt <= (recoveredAt ?? healed))
    const failedClearly = (a: ReadAnswer) => a.answeredAt !== undefined && a.ok === false && !!a.code && !!a.message
    const health = await fetch(`${app.url}/api/health`).then((r) => r.ok, () => false)
    return {
      fault: fault.id,
      title: fault.title,
      shows: fault.shows,
      shownAfterMs: showing.length > 0 ? round(Math.max(...showing) - t0) : null,
      watchersShowing: showing.length,
      watchers: watchers.length,
      recoveredAfterMs: recoveredAt === undefined ? null : round(recoveredAt - healed),
      reads: {
        total: answers.length,
        fromCache: answers.filter((a) => a.ok && a.from === 'cache').length,
        fromDb: answers.filter((a) => a.ok && a.from === 'db').length,
        failedClearly: answers.filter(failedClearly).length,
        errors: tally(answers.filter(failedClearly).map((a) => `${a.code}: ${a.message}`)),
        failedUnclearly: answers.filter((a) => a.answeredAt !== undefined && a.ok === false && !failedClearly(a)).length,
        unanswered: answers.filter((a) => a.answeredAt === undefined).length,
        duringFault: {
          total: during.length,
          ok: during.filter((a) => a.ok).length,
          failedClearly: during.filter(failedClearly).length,
          slowestMs: round(Math.max(0, ...during.map((a) => (a.answeredAt ?? Infinity) - a.sentAt))),
        },
      },
      missingEvents: watchers.reduce((sum, w) => sum + missing(w), 0),
      eventsSeen: watchers.reduce((sum, w) => sum + w.events.length, 0),
      unhandled,
      appAnswersAfter: health,
      http,
      ...(observed ? { observed } : {}),
    }
  } finally {
    for (const w of watchers) w.close()
    await app?.close()
    await redis.stop()
    await postgres?.remove()
    process.off('unhandledRejection', onUnhandled)
    process.off('uncaughtException', onUnhandled)
  }
}

/** When a watcher first had a sign of the fault after t0: the service marked down, or a failed request. */
function firstSign(w: Watcher, fault: Fault, t0: number): number | undefined {
  const status = w.statuses.find(
    (s) => s.at >= t0 && (fault.shows === 'db-down' ? !s.status.db.ok : fault.shows === 'redis-down' ? !s.status.redis.ok : !s.status.redis.ok || !s.status.db.ok),
  )
  const failure = w.events.find(
    (e) => e.at >= t0 && (e.event.kind === 'cache-error' || e.event.kind === 'db-error' || (e.event.kind === 'response' && !e.event.data.ok)),
  )
  const times = [status?.at, failure?.at].filter((t): t is number => t !== undefined)
  return times.length > 0 ? Math.min(...times) : undefined
}

/** Sequence numbers absent between the first and the last event a watcher received. */
function missing(w: Watcher): number {
  const seqs = new Set(w.events.map((e) => e.event.seq))
  if (seqs.size === 0) return 0
  const sorted = [...seqs].sort((a, b) => a - b)
  return sorted.at(-1)! - sorted[0]! + 1 - sorted.length
}

function tally(items: string[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const item of items) out[item] = (out[item] ?? 0) + 1
  return out
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10
}
