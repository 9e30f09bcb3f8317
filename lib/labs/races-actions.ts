/** Cache-aside races lab: actions and their parameter schemas (server side; see actions.ts). */
import { z } from 'zod'
import type { ActionSpec } from './actions'
import { commonActions } from './common'
import { DB_PROFILES, RACE_LIMITS as L, RACE_STRATEGY_IDS, type DbProfile, type RaceStrategyId } from './races-model'

const Strategy = z.enum(RACE_STRATEGY_IDS as [RaceStrategyId, ...RaceStrategyId[]])
const bounded = (b: { min: number; max: number }) => z.number().int().min(b.min).max(b.max)

export const racesActions = {
  step: {
    label: 'Step',
    summary:
      "Runs the interleaving's next step: one real GET, SELECT, UPDATE, DEL, SET or Lua script by reader A, writer B or reader C.",
    params: z.object({}),
  },
  play: {
    label: 'Auto-play',
    summary:
      'Runs the remaining steps one after another (from the start if the interleaving is over); on: false pauses.',
    params: z.object({ on: z.boolean().default(true) }),
  },
  restart: {
    label: 'Reset the interleaving',
    summary: 'Back to step 1 with the same strategy: the race key, its tombstone and its lease are deleted.',
    params: z.object({}),
  },
  read: {
    label: 'C reads again',
    summary:
      'Reader C reads the race key through the current strategy again: is it still stale, or did the TTL end it?',
    params: z.object({}),
  },
  setStrategy: {
    label: 'Strategy',
    summary:
      'Picks the strategy the interleaving runs against (naive, versioned, lease, double-delete) and starts it over.',
    params: z.object({ strategy: Strategy }),
  },
  setDelay: {
    label: 'Double delete timing',
    summary:
      "Delayed double delete: how long B waits before its second delete, and how long after B's first delete A's stale fill lands (ms; either or both).",
    params: z.object({ delayMs: bounded(L.delayMs).optional(), fillLagMs: bounded(L.fillLagMs).optional() }),
  },
  setTtl: {
    label: 'TTL',
    summary: 'The TTL of filled values (and of tombstones), in seconds; starts the interleaving over.',
    params: z.object({ seconds: bounded(L.ttlSeconds) }),
  },
  setInterval: {
    label: 'Auto-play speed',
    summary: 'The pause between steps when auto-playing, in ms.',
    params: z.object({ ms: bounded(L.intervalMs) }),
  },
  dbProfile: {
    label: 'Database profile',
    summary:
      "Sets the room's database latency and jitter to a profile: instant, fast (5 ± 5 ms), slow (50 ± 20 ms) or jittery (20 ± 80 ms).",
    params: z.object({ profile: z.enum(Object.keys(DB_PROFILES) as [DbProfile, ...DbProfile[]]) }),
  },
  race: {
    label: 'Randomised run',
    summary:
      'Runs many readers and writers at once against every strategy (each on its own keys) for a while, then reports stale reads, stale write-backs and stale windows per strategy. Answers at once unless wait is true; progress and results arrive in the lab state.',
    params: z.object({
      readers: bounded(L.readers).default(L.readers.default),
      writers: bounded(L.writers).default(L.writers.default),
      durationMs: bounded(L.durationMs).default(L.durationMs.default),
      keys: bounded(L.keys).default(L.keys.default),
      fillPauseMs: bounded(L.fillPauseMs).default(L.fillPauseMs.default),
      readGapMs: bounded(L.readGapMs).default(L.readGapMs.default),
      writeGapMs: bounded(L.writeGapMs).default(L.writeGapMs.default),
      strategies: z.array(Strategy).min(1).max(RACE_STRATEGY_IDS.length).optional(),
      /** Answer when the run is over, with its results (default: answer at once; results follow in the state). */
      wait: z.boolean().default(false),
    }),
  },
  ...commonActions,
} satisfies Record<string, ActionSpec>
