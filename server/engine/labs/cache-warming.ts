/**
 * The cache-warming lab's engine side: runs of the seeded Zipf read load on a cold and on a warmed cache,
 * measured second by second, and a scheduled refresh of the trending posts with its timer, its runs and
 * what each run found new. The strategy is ../strategies/warming.ts, the load ../strategies/zipf-load.ts.
 *
 * Timers: the schedule's timer and a running load are stopped by reset, by stop() (the room is cleaned up)
 * and by leave() (the room acted on another lab); a schedule also stops itself after a bounded number of runs,
 * and once the room has had no browser for a while (./unwatched.ts).
 */
import { make, type Actor } from '../../../lib/events'
import { dataKey } from '../../../lib/keys'
import {
  WARMING,
  warmingGauge,
  warmingLab,
  formatRatio,
  type RunMode,
  type RunResult,
  type ScheduledRun,
  type TrendingPost,
  type WarmingLabState,
} from '../../../lib/labs/cache-warming'
import { LIMITS } from '../../../lib/limits'
import { errors } from '../errors'
import type { Room } from '../room'
import {
  boostPost,
  hitRatio,
  keyOf,
  readCached,
  refreshTrending,
  trendingChange,
  TRENDING_SQL,
  warmTop,
  type Observe,
} from '../strategies/warming'
import { rankOf, zipfCdf, zipfPlan, type Pick } from '../strategies/zipf-load'
import { actAndPublish } from './act-and-publish'
import { recordSetting, resetRoom, setDbLatency } from './common'
import type { LabDefinition, LabEnv, LabInstance } from './lab'
import { UNWATCHED_GRACE_MS, whenUnwatched } from './unwatched'

/** Reads of a run in flight at once at most: a slow database makes the load wait rather than pile up. */
const MAX_IN_FLIGHT = 200
/** How often the load checks which reads are due. */
const TICK_MS = 20

function defaults(): WarmingLabState {
  return {
    topN: WARMING.defaultTopN,
    ttlSeconds: WARMING.defaultTtlSeconds,
    load: { rps: WARMING.defaultRps, seconds: WARMING.defaultSeconds, seed: WARMING.defaultSeed },
    running: null,
    runs: {},
    schedule: {
      on: false,
      intervalSeconds: WARMING.defaultIntervalSeconds,
      nextRunAt: null,
      now: Date.now(),
      every: null,
      count: 0,
      runs: [],
      refreshed: null,
    },
    trending: [],
    stats: [],
    dbLatencyMs: 0,
    dbJitterMs: 0,
  }
}

/** Who reads what, in order of popularity: the traffic model, read straight from the database (not the app). */
interface Ranking {
  users: number[]
  posts: number[]
}

function createWarmingLab(room: Room, env: LabEnv): LabInstance {
  let state = withStats(defaults())
  /** Bumped by reset, stop and leave: a run or refresh started under an older epoch stops or is ignored. */
  let epoch = 0
  let timer: NodeJS.Timeout | undefined
  let current: Promise<unknown> | undefined
  /** The trending post ids the last refresh cached. */
  let lastRefresh: number[] | undefined
  let ranking: Ranking | undefined
  /** Scheduled runs since the schedule was last switched on (a schedule stops itself after maxScheduledRuns). */
  let scheduledRuns = 0
  /** Stops the watch that turns the schedule off once the room is left; set while the schedule is on. */
  let unwatch: (() => void) | undefined
  let classCdf: { users: Float64Array; posts: Float64Array } | undefined

  const set = (patch: Partial<WarmingLabState>) => {
    state = withStats({ ...state, ...patch })
  }
  const setSchedule = (patch: Partial<WarmingLabState['schedule']>) => {
    const next = { ...state.schedule, ...patch, now: Date.now() }
    set({ schedule: { ...next, every: next.on ? next.intervalSeconds : null } })
  }
  const publish = () => env.publishState(state)
  const ttlMs = () => state.ttlSeconds * 1000
  const observe: Observe = (entity, version) => room.oracle.observed(entity, version, Date.now())

  const loadRanking = async (): Promise<Ranking> => {
    const users = await env.db.query<{ id: number }>('SELECT id FROM users WHERE room = $1 ORDER BY popular DESC, id', [room.id])
    const posts = await env.db.query<{ id: number }>('SELECT id FROM posts WHERE room = $1 ORDER BY likes DESC, id', [room.id])
    ranking = { users: users.rows.map((r) => r.id), posts: posts.rows.map((r) => r.id) }
    classCdf = undefined
    return ranking
  }

  /** What the database says is trending, for the panel (the lab looking, not the app: not recorded). */
  const loadTrending = async () => {
    const { rows } = await env.db.query<TrendingPost>(TRENDING_SQL, [room.id, state.topN])
    set({ trending: rows.map((r) => ({ id: r.id, title: r.title, likes: r.likes })) })
  }

  const read = (entity: 'user' | 'post', id: number, by: Actor) =>
    room.request('read', by, (s) => readCached(s, entity, id, ttlMs(), observe), { key: keyOf(entity, id) })

  // ---- runs: cold or warmed ----

  const run = async (warm: boolean, rps: number, seconds: number, seed: number, by: Actor) => {
    if (state.running) throw errors.busy(`A ${state.running} run is still going; wait for it to end.`)
    const mode: RunMode = warm ? 'warmed' : 'cold'
    const myEpoch = epoch
    if (state.schedule.on) stopSchedule('off (a run started)')
    set({ running: mode, load: { rps, seconds, seed } })
    publish()
    const work = (async () => {
      await env.clearCache()
      const reads = rps * seconds
      room.record(
        make('marker', 'app', {
          text: `${warm ? 'Warm' : 'Cold'} start: cache emptied${warm ? `, warming the popular users and the top ${state.topN} posts` : ''}; then ${reads} reads (${rps}/s for ${seconds} s, Zipf, seed ${seed})`,
        }),
      )
      let warmFigures: RunResult['warm']
      if (warm) {
        const started = performance.now()
        const out = await room.request(
          'warm',
          by,
          async (s) => ({ ok: true, from: 'db' as const, ...(await warmTop(s, state.topN, ttlMs(), observe)) }),
          { key: 'warm:*', label: `warm: popular users + top ${state.topN} posts` },
        )
        const ms = Math.round((performance.now() - started) * 10) / 10
        warmFigures = { ms, keys: out.keys, users: out.users.length, posts: out.posts.length }
        room.record(make('gauge', 'app', { name: warmingGauge.warmingMs, value: ms, unit: 'ms' }))
      }
      const plan = zipfPlan({ reads, seed, ...(await loadRanking()) })
      const result: RunResult = {
        mode,
        seed,
        rps,
        seconds,
        running: true,
        at: Date.now(),
        reads: 0,
        hits: 0,
        dbReads: 0,
        hitRatio: null,
        firstHitRatio: null,
        p50Ms: null,
        p99Ms: null,
        perSecond: Array.from({ length: seconds }, (_, s) => ({ s: s + 1, reads: 0, hits: 0, dbReads: 0 })),
        warm: warmFigures,
      }
      set({ runs: { ...state.runs, [mode]: result } })
      publish()
      const latencies = await replay(plan, rps, myEpoch, (sec, from) => {
        const b = result.perSecond[sec]!
        b.reads += 1
        if (from === 'cache') b.hits += 1
        else if (from === 'db') b.dbReads += 1
        if (b.reads === Math.min(rps, reads - sec * rps)) {
          room.record(make('gauge', 'app', { name: warmingGauge.perSecond(mode), value: pct(b.hits, b.reads), unit: '%' }))
          summarise(result, [])
          set({ runs: { ...state.runs, [mode]: { ...result, perSecond: result.perSecond.map((x) => ({ ...x })) } } })
          publish()
        }
      })
      if (myEpoch !== epoch) return
      summarise(result, latencies)
      result.running = false
      room.record(
        make('gauge', 'app', { name: warmingGauge.firstSeconds(mode), value: pct(firstHits(result), firstReads(result)), unit: '%' }),
      )
      room.record(
        make('marker', 'app', {
          text: `${warm ? 'Warmed' : 'Cold'} run done: hit ratio ${formatRatio(result.firstHitRatio)} in the first ${WARMING.firstSeconds} s, ${formatRatio(result.hitRatio)} overall; ${result.dbReads} database reads`,
        }),
      )
      set({ runs: { ...state.runs, [mode]: result } })
    })()
    current = work
    try {
      await work
    } finally {
      if (myEpoch === epoch) set({ running: null })
      publish()
    }
    return state.runs[mode]
  }

  /**
   * Issues the plan's reads at `rps`, read i in second floor(i / rps), each as its own request; calls `done`
   * with each read's second and where it was served from. Resolves with every read's latency when all have
   * answered, or when the epoch moved on and the reads in flight have answered.
   */
  const replay = (plan: Pick[], rps: number, myEpoch: number, done: (sec: number, from: string | undefined) => void) =>
    new Promise<number[]>((resolve) => {
      const latencies: number[] = []
      const start = performance.now()
      let issued = 0
      let answered = 0
      let inFlight = 0
      const finish = () => {
        if (answered === issued && (issued === plan.length || myEpoch !== epoch)) {
          clearInterval(ticker)
          resolve(latencies)
        }
      }
      const fire = (i: number) => {
        const pick = plan[i]!
        const sec = Math.floor(i / rps)
        const t0 = performance.now()
        inFlight += 1
        read(pick.entity, pick.id, 'load')
          .then(
            (out) => done(sec, out.from),
            () => done(sec, undefined),
          )
          .finally(() => {
            latencies.push(performance.now() - t0)
            inFlight -= 1
            answered += 1
            finish()
          })
      }
      const tick = () => {
        if (myEpoch !== epoch) return finish()
        const due = Math.min(plan.length, Math.floor(((performance.now() - start) / 1000) * rps) + 1)
        while (issued < due && inFlight < MAX_IN_FLIGHT) fire(issued++)
      }
      const ticker = setInterval(tick, TICK_MS)
      ticker.unref()
      tick()
    })

  // ---- the schedule ----

  const refreshOnce = async (by: Actor, label: string) => {
    const myEpoch = epoch
    const started = performance.now()
    const out = await room.request(
      'refresh',
      by,
      async (s) => ({ ok: true, from: 'db' as const, posts: await refreshTrending(s, state.topN, ttlMs(), observe) }),
      { key: 'post:*', label },
    )
    const ms = Math.round((performance.now() - started) * 10) / 10
    if (myEpoch !== epoch) return undefined
    const ids = out.posts.map((p) => p.id)
    const change = lastRefresh ? trendingChange(lastRefresh, ids) : { added: [], dropped: [] }
    lastRefresh = ids
    if (change.added.length > 0) {
      room.record(
        make('marker', 'app', {
          text: `Trending changed: ${change.added.map((id) => `post ${id}`).join(', ')} new in the top ${state.topN}, cached by this refresh${change.dropped.length > 0 ? `; ${change.dropped.map((id) => `post ${id}`).join(', ')} dropped out (left to its TTL)` : ''}`,
        }),
      )
    }
    const n = state.schedule.count + 1
    const entry: ScheduledRun = { n, at: Date.now(), ms, keys: ids.length, ...change }
    setSchedule({ count: n, runs: [entry, ...state.schedule.runs].slice(0, WARMING.listedRuns), refreshed: ids })
    set({ trending: out.posts.map((p) => ({ id: p.id, title: p.title, likes: p.likes })) })
    return entry
  }

  const scheduleNext = () => {
    clearTimeout(timer)
    timer = undefined
    if (!state.schedule.on) return
    const delay = state.schedule.intervalSeconds * 1000
    setSchedule({ nextRunAt: Date.now() + delay })
    const myEpoch = epoch
    timer = setTimeout(() => void scheduledRun(myEpoch), delay)
    timer.unref()
  }

  const scheduledRun = async (myEpoch: number) => {
    if (myEpoch !== epoch || !state.schedule.on) return
    if (scheduledRuns >= WARMING.maxScheduledRuns) {
      stopSchedule(`off (stopped itself after ${WARMING.maxScheduledRuns} runs)`)
      publish()
      return
    }
    setSchedule({ nextRunAt: null })
    scheduledRuns += 1
    try {
      await refreshOnce('load', `scheduled refresh #${state.schedule.count + 1}`)
    } catch {
      // The failure is on the timeline (a db-error or cache-error); the schedule carries on.
    }
    if (myEpoch !== epoch) return
    scheduleNext()
    publish()
  }

  /** Clears the schedule's timer and its watch for a left room. */
  const clearSchedule = () => {
    clearTimeout(timer)
    timer = undefined
    unwatch?.()
    unwatch = undefined
  }

  const stopSchedule = (why = 'off') => {
    clearSchedule()
    const wasOn = state.schedule.on
    setSchedule({ on: false, nextRunAt: null })
    if (wasOn || why === 'off') recordSetting(room, 'schedule', why)
  }

  const halt = () => {
    epoch += 1
    clearSchedule()
    if (state.schedule.on) setSchedule({ on: false, nextRunAt: null })
  }

  const actions: Record<string, (p: Record<string, unknown>, by: Actor) => Promise<unknown>> = {
    run: (p, by) => run(p.warm as boolean, p.rps as number, p.seconds as number, p.seed as number, by),
    read: async (p, by) => {
      if (p.entity !== undefined && p.id !== undefined) {
        if (p.entity === 'user' && (p.id as number) > LIMITS.usersPerRoom) throw errors.invalid(`No user ${p.id as number}`)
        return read(p.entity as 'user' | 'post', p.id as number, by)
      }
      const r = ranking ?? (await loadRanking())
      classCdf ??= { users: zipfCdf(r.users.length, 1), posts: zipfCdf(r.posts.length, 1) }
      const user = p.entity === 'user' || (p.entity === undefined && Math.random() < 0.4)
      const id = user ? r.users[rankOf(classCdf.users, Math.random())]! : r.posts[rankOf(classCdf.posts, Math.random())]!
      return read(user ? 'user' : 'post', id, by)
    },
    setTopN: async (p) => {
      set({ topN: p.n as number })
      recordSetting(room, 'topN', `top ${state.topN} posts`)
      await loadTrending()
      return state
    },
    setTtl: async (p) => {
      set({ ttlSeconds: p.seconds as number })
      recordSetting(room, 'ttl', `${state.ttlSeconds} s`)
      return state
    },
    schedule: async (p) => {
      const every = p.intervalSeconds as number | null
      if (p.on === false || every === null) {
        stopSchedule()
        return state
      }
      if (state.running) throw errors.busy(`A ${state.running} run is going; start the schedule when it ends.`)
      if (!state.schedule.on) {
        scheduledRuns = 0
        unwatch = whenUnwatched(room, () => {
          stopSchedule(`off (nobody watching for ${UNWATCHED_GRACE_MS / 1000} s)`)
          publish()
        })
      }
      setSchedule({ on: true, intervalSeconds: every })
      recordSetting(room, 'schedule', `every ${state.schedule.intervalSeconds} s`)
      scheduleNext()
      return state
    },
    refresh: async (_p, by) => {
      const entry = await refreshOnce(by, 'refresh now')
      // A manual run restarts the countdown, so the next scheduled run is one interval after this one.
      if (state.schedule.on) scheduleNext()
      return entry
    },
    boost: async (p, by) => {
      const postId =
        (p.postId as number | undefined) ??
        (await env.db.query<{ id: number }>('SELECT id FROM posts WHERE room = $1 ORDER BY likes, id LIMIT 1', [room.id])).rows[0]!.id
      const out = await room.request(
        'boost',
        by,
        async (s) => {
          const post = await boostPost(s, postId, p.likes as number | undefined)
          if (!post) return { ok: false, from: 'none' as const, error: `no post ${postId}` }
          observe(dataKey.post(post.id), post.version)
          return { ok: true, from: 'db' as const, version: post.version, post }
        },
        { key: dataKey.post(postId), label: p.likes === undefined ? 'to the top of trending' : `+${p.likes as number} likes` },
      )
      await loadTrending()
      ranking = undefined
      return out
    },
    dbLatency: async (p) => {
      set(setDbLatency(room, p.ms as number, p.jitterMs as number))
      return state
    },
    reset: async () => {
      halt()
      await current?.catch(() => {})
      lastRefresh = undefined
      ranking = undefined
      state = withStats(defaults())
      const out = await resetRoom(room, env)
      await loadTrending()
      return { ...state, ...out }
    },
  }

  void loadTrending()
    .then(publish)
    .catch(() => {}) // the room may be going away; the next action loads it

  return {
    state: () => state,
    act: actAndPublish(actions, () => state, publish),
    stop() {
      halt()
    },
    leave() {
      if (!state.schedule.on && !state.running) return
      halt()
      set({ running: null })
      recordSetting(room, 'schedule', 'off (left the lab)')
      publish()
    },
  }
}

function pct(hits: number, reads: number): number {
  return reads === 0 ? 0 : Math.round((hits / reads) * 1000) / 10
}

const firstSecs = (r: RunResult) => r.perSecond.slice(0, WARMING.firstSeconds)
const firstHits = (r: RunResult) => firstSecs(r).reduce((n, b) => n + b.hits, 0)
const firstReads = (r: RunResult) => firstSecs(r).reduce((n, b) => n + b.reads, 0)

/** Totals, ratios and latency percentiles of a run, from its seconds (and latencies, when it has ended). */
function summarise(r: RunResult, latencies: number[]): void {
  r.reads = r.perSecond.reduce((n, b) => n + b.reads, 0)
  r.hits = r.perSecond.reduce((n, b) => n + b.hits, 0)
  r.dbReads = r.perSecond.reduce((n, b) => n + b.dbReads, 0)
  r.hitRatio = hitRatio(r.hits, r.reads)
  r.firstHitRatio = hitRatio(firstHits(r), firstReads(r))
  if (latencies.length > 0) {
    const sorted = [...latencies].sort((a, b) => a - b)
    const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 100) / 100
    r.p50Ms = at(0.5)
    r.p99Ms = at(0.99)
  }
}

function withStats(s: WarmingLabState): WarmingLabState {
  const { cold, warmed } = s.runs
  return {
    ...s,
    stats: [
      {
        label: `Cold: first ${WARMING.firstSeconds} s`,
        value: formatRatio(cold?.firstHitRatio),
        hint: cold ? `hit ratio; ${cold.dbReads} DB reads in the run` : 'press Cold start',
        warn: cold?.firstHitRatio !== null && cold?.firstHitRatio !== undefined && cold.firstHitRatio < 0.5,
      },
      {
        label: `Warmed: first ${WARMING.firstSeconds} s`,
        value: formatRatio(warmed?.firstHitRatio),
        hint: warmed ? `hit ratio; ${warmed.dbReads} DB reads in the run` : 'press Warm start',
      },
      {
        label: 'Warming took',
        value: warmed?.warm ? `${warmed.warm.ms} ms` : '—',
        hint: warmed?.warm ? `${warmed.warm.keys} keys: 2 queries, 1 pipeline` : 'measured on a warm start',
      },
      {
        label: 'Scheduled refreshes',
        value: s.schedule.count,
        hint: s.schedule.on ? `every ${s.schedule.intervalSeconds} s, top ${s.topN} posts` : 'schedule off',
      },
    ],
  }
}

export const warmingLabDefinition: LabDefinition = { spec: warmingLab, create: createWarmingLab }
