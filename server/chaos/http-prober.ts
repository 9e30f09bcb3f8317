/**
 * The HTTP side of a chaos run: while a fault is on, a round of requests every `everyMs` on every route a
 * page or a script uses (a lab read in a private room and in a classroom's room with its host secret, the
 * room's info, events and metrics, the key inspector, the session by code, health). Each answer is tallied by
 * route and status; a 500, a body that is not `{ error: { code, message } }` on failure, or a message that
 * carries the Redis driver's own text is a failure of the run.
 */
export interface ProbeTargets {
  room: string
  classroom: { room: string; code: string; secret: string }
}

export interface HttpProbeReport {
  sent: number
  /** route → status → count, for requests sent while the fault was on. */
  duringFault: Record<string, Record<string, number>>
  /** Requests answered 500 (or not answered at all), anywhere in the run. */
  serverErrors: number
  unanswered: number
  /** Failures whose body was not a clear `{ error: { code, message } }`, or showed driver text. */
  unclear: string[]
}

/** Route names whose answers are lab reads: they must answer 200 while Redis is down (from the database). */
export const READ_ROUTES = ['action', 'classroom-action', 'info', 'events', 'metrics'] as const

const DRIVER_TEXT = /Stream isn't writeable|enableOfflineQueue|MaxRetriesPerRequest|ECONNREFUSED|Socket timeout/i

export function startHttpProber(url: string, targets: ProbeTargets, opts: { everyMs?: number; inFault(): boolean }) {
  const report: HttpProbeReport = { sent: 0, duringFault: {}, serverErrors: 0, unanswered: 0, unclear: [] }
  const host = { 'x-host-secret': targets.classroom.secret }
  const read = JSON.stringify({ lab: 'ttl', action: 'read', userId: 1 })
  const json = { 'content-type': 'application/json' }
  const routes: Record<string, () => Promise<Response>> = {
    action: () => fetch(`${url}/api/rooms/${targets.room}/actions`, { method: 'POST', headers: json, body: read }),
    'classroom-action': () =>
      fetch(`${url}/api/rooms/${targets.classroom.room}/actions`, { method: 'POST', headers: { ...json, ...host }, body: read }),
    info: () => fetch(`${url}/api/rooms/${targets.room}`),
    events: () => fetch(`${url}/api/rooms/${targets.room}/events?limit=5`),
    metrics: () => fetch(`${url}/api/rooms/${targets.room}/metrics`),
    inspect: () => fetch(`${url}/api/rooms/${targets.room}/inspect`),
    session: () => fetch(`${url}/api/sessions/${targets.classroom.code}`),
    health: () => fetch(`${url}/api/health`),
  }
  const inFlight = new Set<Promise<void>>()
  const one = (name: string, send: () => Promise<Response>) => {
    const during = opts.inFault()
    report.sent += 1
    const p = (async () => {
      const res = await send().catch(() => undefined)
      const text = res ? await res.text().catch(() => '') : ''
      if (!res || res.status >= 500) {
        if (!res || res.status === 500) report.serverErrors += 1
        if (!res) report.unanswered += 1
      }
      // Health answers 503 with its report (what is down, in words), not with an error body.
      if (name === 'health') {
        if (DRIVER_TEXT.test(text)) report.unclear.push(`health: ${text.slice(0, 200)}`)
      } else if (res && res.status >= 400 && !isClearError(text)) report.unclear.push(`${name} ${res.status}: ${text.slice(0, 200)}`)
      if (during) {
        const byStatus = (report.duringFault[name] ??= {})
        const key = String(res?.status ?? 'none')
        byStatus[key] = (byStatus[key] ?? 0) + 1
      }
    })()
    inFlight.add(p)
    void p.finally(() => inFlight.delete(p))
  }
  const timer = setInterval(() => {
    for (const [name, send] of Object.entries(routes)) one(name, send)
  }, opts.everyMs ?? 250)
  return {
    report,
    async stop(): Promise<HttpProbeReport> {
      clearInterval(timer)
      await Promise.all(inFlight)
      return report
    },
  }
}

function isClearError(text: string): boolean {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }
    const { code, message } = body.error ?? {}
    return typeof code === 'string' && typeof message === 'string' && message.length > 0 && !DRIVER_TEXT.test(message)
  } catch {
    return false
  }
}

/**
 * What went wrong on the HTTP path, in words (empty: nothing). Always: no 500, every request answered, every
 * failure a clear error. With Redis down (or a fault nobody should notice), every lab read answered 200 from
 * the database, and what needs Redis a 200 or a 503.
 */
export function httpProblems(shows: string, report: HttpProbeReport): string[] {
  const problems: string[] = []
  if (report.serverErrors > 0) problems.push(`${report.serverErrors} HTTP requests answered 500 or not at all`)
  problems.push(...report.unclear.map((u) => `unclear failure: ${u}`))
  if (shows === 'redis-down' || shows === 'nothing-needed') {
    for (const route of READ_ROUTES) {
      for (const [status, n] of Object.entries(report.duringFault[route] ?? {})) {
        if (status !== '200') problems.push(`${route}: ${n} × ${status} during the fault (a read must answer from the database)`)
      }
    }
    for (const route of ['inspect', 'session', 'health']) {
      for (const [status, n] of Object.entries(report.duringFault[route] ?? {})) {
        if (status !== '200' && status !== '503') problems.push(`${route}: ${n} × ${status} during the fault`)
      }
    }
  }
  return problems
}
