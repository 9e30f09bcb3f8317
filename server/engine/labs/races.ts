/**
 * The races lab's engine side. It holds the deterministic interleaving (the steps, what A read, A's lease
 * token, the version B wrote) and runs one real operation per step when the learner presses Step, or one
 * after another on auto-play; it runs the randomised mode (races-random.ts); and it publishes the lab's
 * state, with what the cache and the database hold after each step. The strategies are in
 * ../strategies/race-naive.ts, versioned-fill.ts, leases.ts and double-delete.ts.
 */
import { formatMs } from '../../../lib/describe'
import type { Actor } from '../../../lib/events'
import { dataKey, guardKey } from '../../../lib/keys'
import { racesLab } from '../../../lib/labs/races'
import {
  DB_PROFILES,
  RACE_LIMITS,
  RACE_STRATEGIES,
  RACE_STRATEGY_IDS,
  RACE_USER,
  type DbProfile,
  type LabStat,
  type RaceStepView,
  type RaceStrategyId,
  type RaceValues,
  type RacesLabState,
  type RandomRun,
  type RandomTotals,
  type RandomSettings,
} from '../../../lib/labs/races-model'
import { errors } from '../errors'
import { versionOf } from '../cache-observer'
import type { Outcome, Room, Scope } from '../room'
import type { UserRow } from '../room-db'
import { deleteAgain, doubleDelete, secondDeleteAt } from '../strategies/double-delete'
import { leases } from '../strategies/leases'
import { readThrough, writeRow, type RaceOptions, type RaceStrategy } from '../strategies/race'
import { naive } from '../strategies/race-naive'
import { versioned } from '../strategies/versioned-fill'
import { recordSetting, resetRoom, setDbLatency } from './common'
import type { LabDefinition, LabEnv, LabInstance } from './lab'
import { addResults, runRandomised } from './races-random'
import { raceScript } from './races-script'

export const STRATEGIES: Record<RaceStrategyId, RaceStrategy> = {
  naive,
  versioned,
  lease: leases,
  'double-delete': doubleDelete,
}

const KEY = dataKey.user(RACE_USER)

/** What the interleaving remembers between steps: A's row and lease, B's version, when B first deleted. */
export interface RaceMemory {
  aRow: UserRow | null
  aLease: string | undefined
  bWrote: number | null
  firstDeleteAt: number | null
  outcome: 'stale' | 'fresh' | null
}

export interface StepContext {
  room: Room
  strategy: RaceStrategy
  opts: RaceOptions
  delayMs: number
  fillLagMs: number
  memory: RaceMemory
  by: Actor
}

let renames = 0

/**
 * Runs one step of the interleaving as one request of its actor (the timeline's `node`: A, B or C) and
 * returns what it found or did, in words for the panel. Every step is a real command or query.
 */
export async function runStep(
  ctx: StepContext,
  step: RaceStepView,
): Promise<{ result: string; tone?: 'good' | 'bad' }> {
  const { room, strategy, opts, memory: m, by } = ctx
  const request = <T extends Outcome>(fn: (s: Scope) => Promise<T>) =>
    room.request('step', by, fn, { key: KEY, node: step.actor, label: `${step.actor}: ${step.text}` })
  switch (step.op) {
    case 'lookup': {
      const { found: f } = await request(async (s) => {
        const found = await strategy.lookup(s, KEY, opts)
        return {
          ok: true,
          from: found.hit ? ('cache' as const) : ('none' as const),
          version: found.hit ? found.row.version : undefined,
          found,
        }
      })
      if (f.hit) return { result: `hit v${f.row.version}: A has its answer, no race` }
      m.aLease = f.lease
      if (f.lease) return { result: `miss, lease ${f.lease} granted` }
      return { result: f.denied ? 'miss, told to wait: another reader holds the lease' : 'miss' }
    }
    case 'select': {
      const out = await request(async (s): Promise<Outcome & { row?: UserRow }> => {
        const row = await s.db.getUser(RACE_USER)
        return row ? { ok: true, from: 'db', version: row.version, row } : { ok: false, error: 'no row' }
      })
      m.aRow = out.row ?? null
      return { result: out.row ? `read v${out.row.version}; A holds it` : 'no row' }
    }
    case 'update': {
      const out = await request(async (s) => {
        const row = await writeRow(s, RACE_USER, `Racer ${++renames}`)
        return { ok: true, from: 'db' as const, version: row.version, row }
      })
      m.bWrote = out.row.version
      return { result: `committed v${out.row.version}` }
    }
    case 'invalidate': {
      const version = m.bWrote ?? 0
      const out = await request(async (s) => ({
        ok: true,
        inv: await strategy.invalidate(s, KEY, version, opts),
      }))
      m.firstDeleteAt = Date.now()
      const parts = [out.inv.deleted ? 'deleted the cached value' : 'nothing cached to delete']
      if (out.inv.tombstone !== undefined) parts.push(`tombstone v${out.inv.tombstone} left`)
      if (out.inv.revokedLease !== undefined) parts.push(out.inv.revokedLease ? "A's lease revoked" : 'no lease out')
      return { result: parts.join('; ') }
    }
    case 'fill': {
      if (!m.aRow) return { result: 'A read nothing, so fills nothing' }
      await until(m.firstDeleteAt === null ? null : m.firstDeleteAt + ctx.fillLagMs)
      const row = m.aRow
      const out = await request(async (s) => ({
        ok: true,
        from: 'db' as const,
        version: row.version,
        fill: await strategy.fill(s, KEY, row, opts, m.aLease),
      }))
      if (!out.fill.stored)
        return { result: `${strategy.id === 'lease' ? 'rejected' : 'refused'}: ${out.fill.reason}`, tone: 'good' }
      const behind = m.bWrote !== null && row.version < m.bWrote
      return behind
        ? { result: `stored v${row.version} while the database has v${m.bWrote}: stale`, tone: 'bad' }
        : { result: `stored v${row.version}` }
    }
    case 'delete-again': {
      await until(m.firstDeleteAt === null ? null : secondDeleteAt(m.firstDeleteAt, ctx.delayMs))
      const out = await request(async (s) => ({
        ok: true,
        deleted: (await deleteAgain(s, KEY)).deleted,
      }))
      return out.deleted
        ? { result: "deleted A's stale value", tone: 'good' }
        : { result: 'nothing cached yet: A has not filled', tone: 'bad' }
    }
    case 'read': {
      const out = await room.request('step', by, (s) => readThrough(s, strategy, RACE_USER, opts), {
        key: KEY,
        node: 'C',
        label: `C: ${step.text}`,
      })
      m.outcome = out.stale ? 'stale' : 'fresh'
      if (out.stale) return { result: `hit v${out.version}, the database has v${m.bWrote}: STALE`, tone: 'bad' }
      if (out.from === 'cache') return { result: `hit v${out.version}: fresh`, tone: 'good' }
      return { result: `miss, read v${out.version}${out.fill?.stored ? ' and filled it' : ''}: fresh`, tone: 'good' }
    }
  }
}

/** Waits until `at` (ms since the epoch); at once if it has passed or is null. */
async function until(at: number | null): Promise<void> {
  const wait = at === null ? 0 : at - Date.now()
  if (wait > 0) await new Promise((r) => setTimeout(r, wait))
}

interface Settings {
  strategy: RaceStrategyId
  delayMs: number
  fillLagMs: number
  ttlSeconds: number
  intervalMs: number
  dbProfile: DbProfile | 'custom'
  dbLatencyMs: number
  dbJitterMs: number
}

function defaults(): Settings {
  return {
    strategy: 'naive',
    delayMs: RACE_LIMITS.delayMs.default,
    fillLagMs: RACE_LIMITS.fillLagMs.default,
    ttlSeconds: RACE_LIMITS.ttlSeconds.default,
    intervalMs: RACE_LIMITS.intervalMs.default,
    dbProfile: 'instant',
    dbLatencyMs: 0,
    dbJitterMs: 0,
  }
}

function freshMemory(): RaceMemory {
  return { aRow: null, aLease: undefined, bWrote: null, firstDeleteAt: null, outcome: null }
}

function createRacesLab(room: Room, env: LabEnv): LabInstance {
  let settings = defaults()
  let steps: RaceStepView[] = []
  let next = 0
  let memory = freshMemory()
  let values: RaceValues | null = null
  let playing = false
  /** Each auto-play run's number; pausing (or a reset, or a new run) moves it on, which ends the old loop. */
  let playRun = 0
  const stopPlaying = () => {
    playing = false
    playRun += 1
  }
  let random: RandomRun | null = null
  let randomTotals: RandomTotals | null = null
  /** The settings the totals were made with: a run with other settings starts them over. */
  let totalsOf = ''
  let reread: RacesLabState['reread'] = null
  let randomRunning = false
  /** Bumped by reset, so a randomised run or an auto-play started before it stops. */
  let epoch = 0
  /** Steps, restarts and setting changes run one at a time, in the order they were asked for. */
  let queue: Promise<unknown> = Promise.resolve()
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn)
    queue = run.catch(() => undefined)
    return run
  }

  const opts = (): RaceOptions => ({ ttlMs: settings.ttlSeconds * 1000 })
  const rebuild = () => {
    steps = raceScript(settings.strategy, KEY, { ...settings, ttlMs: opts().ttlMs }).map((s) => ({
      ...s,
      status: 'pending' as const,
    }))
    next = 0
    memory = freshMemory()
    reread = null
  }
  rebuild()

  const state = (): RacesLabState => ({
    strategy: settings.strategy,
    delayMs: settings.delayMs,
    fillLagMs: settings.fillLagMs,
    ttlSeconds: settings.ttlSeconds,
    intervalMs: settings.intervalMs,
    playing,
    key: KEY,
    steps,
    next,
    outcome: memory.outcome,
    reread,
    values,
    random,
    randomTotals,
    dbProfile: settings.dbProfile,
    dbLatencyMs: settings.dbLatencyMs,
    dbJitterMs: settings.dbJitterMs,
    stats: stats(),
  })
  const publish = () => env.publishState(state())

  const stats = (): LabStat[] => {
    const out: LabStat[] = [
      {
        label: 'Interleaving',
        value: `${Math.min(next, steps.length)}/${steps.length}`,
        hint: `${RACE_STRATEGIES[settings.strategy].label}${settings.strategy === 'double-delete' ? `, delay ${settings.delayMs} ms` : ''}`,
      },
      {
        label: "C's read",
        value: memory.outcome ?? '–',
        warn: memory.outcome === 'stale',
        hint:
          memory.outcome === 'stale'
            ? 'stale until the TTL ends it'
            : memory.outcome === 'fresh'
              ? 'the race was stopped'
              : 'C has not read yet',
      },
    ]
    const shown =
      randomTotals && random?.finishedAt ? randomTotals : random ? { runs: 1, results: random.results } : null
    for (const r of shown?.results ?? []) {
      const over = shown!.runs > 1 ? ` (${shown!.runs} runs)` : ''
      out.push({
        label: `Stale reads · ${RACE_STRATEGIES[r.strategy].label}`,
        value: r.staleReads,
        warn: r.staleReads > 0,
        hint: `${r.staleFills} write-backs, longest window ${formatMs(r.windows.maxMs)}${over}`,
      })
    }
    return out
  }

  /** What Redis and the database hold for the race key now: the lab looking, not recorded. */
  const peek = async (): Promise<RaceValues> => {
    const full = (k: string) => room.keys.full(k)
    const keys = [KEY, guardKey.tombstone(KEY), guardKey.lease(KEY)]
    const pipeline = env.redis.pipeline()
    for (const k of keys) pipeline.get(full(k)).pttl(full(k))
    const replies = (await pipeline.exec()) ?? []
    const at = Date.now()
    const value = (i: number) => (replies[i * 2]?.[1] as string | null | undefined) ?? null
    const ttl = (i: number) => {
      const p = replies[i * 2 + 1]?.[1] as number | undefined
      return p !== undefined && p >= 0 ? p : null
    }
    const { rows } = await env.db.query<{ version: number }>('SELECT version FROM users WHERE room = $1 AND id = $2', [
      room.id,
      RACE_USER,
    ])
    const [cached, tomb, lease] = [value(0), value(1), value(2)]
    return {
      at,
      cache: cached === null ? null : { version: versionOf(cached) ?? null, ttlMs: ttl(0) },
      tombstone: tomb === null ? null : { version: versionOf(tomb) ?? null, ttlMs: ttl(1) },
      lease: lease === null ? null : { token: lease, ttlMs: ttl(2) },
      db: rows[0]?.version ?? null,
      aRow: memory.aRow?.version ?? null,
      aLease: memory.aLease ?? null,
      bWrote: memory.bWrote,
    }
  }
  const refresh = async () => {
    values = await peek().catch(() => values)
    publish()
  }

  /** Deletes the race key and its guards, so the next interleaving starts from an empty cache. */
  const clearKeys = async (by: Actor) => {
    const keys = [KEY, guardKey.tombstone(KEY), guardKey.lease(KEY)]
    const present = await env.redis.exists(...keys.map((k) => room.keys.full(k)))
    if (present === 0) return
    await room.request(
      'restart',
      by,
      async (s) => {
        await s.cache.unlink(keys)
        return { ok: true }
      },
      { key: KEY, label: 'clear the race key before the interleaving' },
    )
  }

  const restart = async (by: Actor) => {
    rebuild()
    await clearKeys(by)
    await refresh()
  }

  const step = async (by: Actor) => {
    if (next >= steps.length) return { done: true, steps }
    if (next === 0) await clearKeys(by)
    const i = next
    steps[i] = { ...steps[i]!, status: 'running' }
    publish()
    const ctx: StepContext = {
      room,
      strategy: STRATEGIES[settings.strategy],
      opts: opts(),
      delayMs: settings.delayMs,
      fillLagMs: settings.fillLagMs,
      memory,
      by,
    }
    try {
      const { result, tone } = await runStep(ctx, steps[i]!)
      steps[i] = { ...steps[i]!, status: 'done', result, tone }
    } catch (err) {
      steps[i] = { ...steps[i]!, status: 'done', result: `failed: ${(err as Error).message}`, tone: 'bad' }
    }
    next = i + 1
    await refresh()
    return { done: next >= steps.length, step: steps[i] }
  }

  const play = async (on: boolean, by: Actor) => {
    if (!on) {
      stopPlaying()
      publish()
      return state()
    }
    if (playing) return state()
    const mine = ++playRun
    playing = true
    if (next >= steps.length) await serial(() => restart(by))
    publish()
    void (async () => {
      while (mine === playRun && next < steps.length) {
        await serial(() => (mine === playRun ? step(by) : Promise.resolve(undefined)))
        if (next < steps.length) await new Promise((r) => setTimeout(r, settings.intervalMs))
      }
      if (mine === playRun) {
        playing = false
        publish()
      }
    })()
    return state()
  }

  const race = async (p: Omit<RandomSettings, 'strategies'> & { strategies?: RaceStrategyId[] }, by: Actor) => {
    randomRunning = true
    const mine = epoch
    const chosen: RandomSettings = { ...p, strategies: p.strategies?.length ? p.strategies : RACE_STRATEGY_IDS }
    random = {
      settings: {
        ...chosen,
        ttlSeconds: settings.ttlSeconds,
        delayMs: settings.delayMs,
        dbLatencyMs: room.dbLatency.ms,
        dbJitterMs: room.dbLatency.jitterMs,
      },
      startedAt: Date.now(),
      finishedAt: null,
      progress: 0,
      results: [],
    }
    recordSetting(room, 'race', describeRandom(chosen))
    publish()
    try {
      const results = await runRandomised(
        {
          room,
          strategies: STRATEGIES,
          by,
          ttlMs: opts().ttlMs,
          delayMs: settings.delayMs,
          aborted: () => epoch !== mine,
          progress: (partial, fraction) => {
            if (epoch !== mine || !random) return
            random = { ...random, results: partial, progress: fraction }
            publish()
          },
        },
        chosen,
      )
      if (epoch === mine && random) {
        random = { ...random, results, progress: 1, finishedAt: Date.now() }
        const key = JSON.stringify(random.settings)
        const sameAs = randomTotals !== null && totalsOf === key
        randomTotals = sameAs
          ? { runs: randomTotals!.runs + 1, results: randomTotals!.results.map((r, i) => addResults(r, results[i]!)) }
          : { runs: 1, results }
        totalsOf = key
        publish()
      }
      return random
    } finally {
      randomRunning = false
      if (epoch === mine && random && random.finishedAt === null) {
        // The run failed part-way: say it is over, with what it measured.
        random = { ...random, finishedAt: Date.now() }
        publish()
      }
    }
  }

  const setSetting = async (change: Partial<Settings>, by: Actor, restartRun = true) => {
    settings = { ...settings, ...change }
    if (restartRun) {
      stopPlaying()
      await restart(by)
    } else publish()
    return state()
  }

  const actions: Record<string, (p: Record<string, unknown>, by: Actor) => Promise<unknown>> = {
    step: (_p, by) => serial(() => step(by)),
    play: (p, by) => play(p.on as boolean, by),
    restart: (_p, by) =>
      serial(async () => {
        stopPlaying()
        await restart(by)
        return state()
      }),
    read: (_p, by) =>
      serial(async () => {
        const out = await room.request(
          'read',
          by,
          (s) => readThrough(s, STRATEGIES[settings.strategy], RACE_USER, opts()),
          {
            key: KEY,
            node: 'C',
            label: 'C reads again',
          },
        )
        reread = { stale: out.stale, version: out.version ?? null, from: out.from ?? 'none' }
        await refresh()
        return out
      }),
    setStrategy: (p, by) =>
      serial(() => {
        recordSetting(room, 'strategy', RACE_STRATEGIES[p.strategy as RaceStrategyId].label)
        return setSetting({ strategy: p.strategy as RaceStrategyId }, by)
      }),
    setDelay: (p, by) =>
      serial(() => {
        const change: Partial<Settings> = {}
        if (p.delayMs !== undefined) change.delayMs = p.delayMs as number
        if (p.fillLagMs !== undefined) change.fillLagMs = p.fillLagMs as number
        const delayMs = change.delayMs ?? settings.delayMs
        const lag = change.fillLagMs ?? settings.fillLagMs
        recordSetting(room, 'doubleDelete', `second delete after ${delayMs} ms, A's fill ${lag} ms after the first`)
        // Only the double delete's script depends on the timing.
        return setSetting(change, by, settings.strategy === 'double-delete')
      }),
    setTtl: (p, by) =>
      serial(() => {
        recordSetting(room, 'ttl', `${p.seconds as number} s`)
        return setSetting({ ttlSeconds: p.seconds as number }, by)
      }),
    setInterval: async (p) => {
      settings = { ...settings, intervalMs: p.ms as number }
      publish()
      return state()
    },
    race: async (p, by) => {
      const { wait, ...rest } = p as unknown as RandomSettings & { wait: boolean }
      if (randomRunning) throw errors.busy('A randomised run is already going in this room; wait for it to finish.')
      const run = race(rest, by)
      if (wait) return run
      // Started: the answer is the run as it stands; progress and results follow in the lab's state.
      run.catch(() => undefined)
      return random
    },
    dbProfile: async (p) => {
      const profile = p.profile as DbProfile
      const { ms, jitterMs } = DB_PROFILES[profile]
      settings = { ...settings, dbProfile: profile, ...setDbLatency(room, ms, jitterMs) }
      publish()
      return state()
    },
    dbLatency: async (p) => {
      settings = { ...settings, dbProfile: 'custom', ...setDbLatency(room, p.ms as number, p.jitterMs as number) }
      publish()
      return state()
    },
    reset: async () => {
      epoch += 1
      stopPlaying()
      return serial(async () => {
        settings = defaults()
        random = null
        randomTotals = null
        const cleared = await resetRoom(room, env)
        rebuild()
        await refresh()
        return { ...state(), ...cleared }
      })
    },
  }

  return {
    state,
    async act(action, params, by) {
      const handler = actions[action]
      if (!handler) throw new Error(`no handler for ${action}`)
      return handler(params, by)
    },
    stop: () => {
      epoch += 1
      stopPlaying()
    },
  }
}

function describeRandom(s: RandomSettings): string {
  return `${s.readers} readers and ${s.writers} writers per strategy over ${s.keys} key${s.keys === 1 ? '' : 's'} for ${s.durationMs / 1000} s`
}

export const racesLabDefinition: LabDefinition = { spec: racesLab, create: createRacesLab }
