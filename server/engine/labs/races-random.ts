/**
 * The races lab's randomised mode: many readers and writers at once, for each strategy side by side on its
 * own keys, with real concurrent requests. Nothing is scripted: the room's database latency and jitter, and
 * each reader's pause between its query and its fill, decide which fills land after which deletes. At the
 * end, per strategy: reads, stale reads (the oracle's verdicts), stale write-backs and stale windows
 * (measured from the changes, races-windows.ts). Bounded by the action's schema (readers, writers, keys,
 * duration).
 */
import type { Actor } from '../../../lib/events'
import { dataKey, guardKey } from '../../../lib/keys'
import type { RandomResult, RandomSettings, RaceStrategyId } from '../../../lib/labs/races-model'
import type { Room } from '../room'
import { deleteAgain } from '../strategies/double-delete'
import { readThrough, stamp, writeRow, type Change, type RaceStrategy } from '../strategies/race'
import { measureRun, summarize } from './races-windows'

/** Each strategy races on its own users, so the four runs cannot disturb one another: 11–15, 31–35 … */
export const RANDOM_FIRST_USER: Record<RaceStrategyId, number> = {
  naive: 11,
  versioned: 31,
  lease: 51,
  'double-delete': 71,
}

export function randomUsers(strategy: RaceStrategyId, keys: number): number[] {
  return Array.from({ length: keys }, (_, i) => RANDOM_FIRST_USER[strategy] + i)
}

export interface RandomEnv {
  room: Room
  strategies: Record<RaceStrategyId, RaceStrategy>
  by: Actor
  ttlMs: number
  /** Delayed double delete: the delay before the second delete. */
  delayMs: number
  aborted(): boolean
  /** Partial figures while the run goes on (about twice a second). */
  progress(results: RandomResult[], fraction: number): void
}

interface Tally {
  strategy: RaceStrategyId
  users: number[]
  reads: number
  hits: number
  writes: number
  staleReads: number
  maxStaleReadMs: number
  stoppedFills: number
  changes: Change[]
}

let writeCounter = 0

/** Runs every strategy in `settings.strategies` at once for `durationMs`; resolves with their figures. */
export async function runRandomised(env: RandomEnv, settings: RandomSettings): Promise<RandomResult[]> {
  const { room, by } = env
  const tallies = settings.strategies.map<Tally>((strategy) => ({
    strategy,
    users: randomUsers(strategy, settings.keys),
    reads: 0,
    hits: 0,
    writes: 0,
    staleReads: 0,
    maxStaleReadMs: 0,
    stoppedFills: 0,
    changes: [],
  }))
  const keys = tallies.flatMap((t) => t.users.map((u) => dataKey.user(u)))
  await room.request(
    'race',
    by,
    async (s) => {
      await s.cache.unlink([...keys, ...keys.map(guardKey.tombstone), ...keys.map(guardKey.lease)])
      return { ok: true }
    },
    { label: 'clear the keys of the randomised mode' },
  )

  const started = Date.now()
  const end = started + settings.durationMs
  const running = () => Date.now() < end && !env.aborted()
  const report = () =>
    env.progress(
      tallies.map((t) => result(t, Date.now())),
      Math.min(1, (Date.now() - started) / settings.durationMs),
    )
  const ticker = setInterval(report, 500)
  try {
    await Promise.all(tallies.map((t) => runOne(env, settings, t, running)))
  } finally {
    clearInterval(ticker)
  }
  const until = Date.now()
  return tallies.map((t) => result(t, until))
}

async function runOne(env: RandomEnv, settings: RandomSettings, t: Tally, running: () => boolean): Promise<void> {
  const { room, by, ttlMs } = env
  const strategy = env.strategies[t.strategy]
  const observe = (c: Change) => t.changes.push(c)
  const pick = () => t.users[Math.floor(Math.random() * t.users.length)]!
  const secondDeletes: Promise<void>[] = []

  const reader = async (i: number) => {
    while (running()) {
      const userId = pick()
      const pauseMs = Math.random() * settings.fillPauseMs
      const out = await room
        .request('read', by, (s) => readThrough(s, strategy, userId, { ttlMs, pauseMs, observe }), {
          key: dataKey.user(userId),
          node: `R${i}`,
        })
        .catch(() => undefined)
      if (out) {
        t.reads += 1
        if (out.from === 'cache') t.hits += 1
        if (out.stale) {
          t.staleReads += 1
          t.maxStaleReadMs = Math.max(t.maxStaleReadMs, out.staleForMs ?? 0)
        }
        if (out.fill && !out.fill.stored) t.stoppedFills += 1
      }
      await sleep(around(settings.readGapMs))
    }
  }

  const writer = async (i: number) => {
    while (running()) {
      const userId = pick()
      const key = dataKey.user(userId)
      const node = `W${i}`
      await room
        .request(
          'write',
          by,
          async (s) => {
            const row = await writeRow(s, userId, `Racer ${++writeCounter}`)
            observe(stamp({ key, kind: 'db', version: row.version }))
            await strategy.invalidate(s, key, row.version, { ttlMs })
            observe(stamp({ key, kind: 'cache', version: null, invalidates: row.version }))
            if (t.strategy === 'double-delete') secondDeletes.push(later(env, key, row.version, node, observe))
            return { ok: true, from: 'db' as const, version: row.version }
          },
          { key, node },
        )
        .then(() => (t.writes += 1))
        .catch(() => undefined)
      await sleep(around(settings.writeGapMs))
    }
  }

  await Promise.all([
    ...Array.from({ length: settings.readers }, (_, i) => reader(i + 1)),
    ...Array.from({ length: settings.writers }, (_, i) => writer(i + 1)),
  ])
  await Promise.all(secondDeletes)
}

/** Delayed double delete's second DEL, `delayMs` after the first (its own request, as a timer would run it). */
async function later(
  env: RandomEnv,
  key: string,
  version: number,
  node: string,
  observe: (c: Change) => void,
): Promise<void> {
  await sleep(env.delayMs)
  await env.room
    .request(
      'delete-again',
      env.by,
      async (s) => {
        await deleteAgain(s, key)
        observe(stamp({ key, kind: 'cache', version: null, invalidates: version }))
        return { ok: true }
      },
      { key, node },
    )
    .catch(() => undefined)
}

/** Two runs' figures for the same strategy, added up (the longest window and stale read: the larger). */
export function addResults(a: RandomResult, b: RandomResult): RandomResult {
  return {
    strategy: a.strategy,
    users: a.users,
    reads: a.reads + b.reads,
    hits: a.hits + b.hits,
    writes: a.writes + b.writes,
    staleReads: a.staleReads + b.staleReads,
    staleReadsAfterFills: a.staleReadsAfterFills + b.staleReadsAfterFills,
    maxStaleReadMs: Math.max(a.maxStaleReadMs, b.maxStaleReadMs),
    staleFills: a.staleFills + b.staleFills,
    stoppedFills: a.stoppedFills + b.stoppedFills,
    windows: {
      count: a.windows.count + b.windows.count,
      maxMs: Math.max(a.windows.maxMs, b.windows.maxMs),
      totalMs: a.windows.totalMs + b.windows.totalMs,
    },
  }
}

function result(t: Tally, until: number): RandomResult {
  const { windows, writeBacks, staleFromFills } = measureRun(t.changes, until)
  return {
    strategy: t.strategy,
    users: t.users,
    reads: t.reads,
    hits: t.hits,
    writes: t.writes,
    staleReads: t.staleReads,
    staleReadsAfterFills: staleFromFills,
    maxStaleReadMs: Math.round(t.maxStaleReadMs),
    staleFills: writeBacks,
    stoppedFills: t.stoppedFills,
    windows: summarize(windows),
  }
}

/** A gap of `ms` ± 50 %, so the loops do not march in step. */
function around(ms: number): number {
  return ms * (0.5 + Math.random())
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
