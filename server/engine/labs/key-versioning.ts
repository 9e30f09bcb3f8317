/**
 * The key-versioning lab's engine side: the current version, the TTL for new keys, a read load, and a
 * sampler that measures every generation's memory in Redis while anything is changing, recording each
 * change as `gauge` events (the memory chart draws them). The strategy is ../strategies/versioned-keys.ts.
 */
import { make, type Actor } from '../../../lib/events'
import { dataKey } from '../../../lib/keys'
import {
  DEFAULT_TTL_SECONDS,
  formatBytes,
  gaugeName,
  versioningLab,
  type GenerationFigures,
  type VersioningLabState,
} from '../../../lib/labs/key-versioning'
import { LIMITS } from '../../../lib/limits'
import { startLoad } from '../load'
import type { Room } from '../room'
import { updateUser } from '../strategies/cache-aside-ttl'
import { gaugesToRecord, measureGenerations, type Recorded } from '../strategies/generation-memory'
import { scanAndUnlink } from '../strategies/scan-invalidation'
import { fillGeneration, nextVersion, readVersioned, versionedUserKey } from '../strategies/versioned-keys'
import { actAndPublish } from './act-and-publish'
import { recordSetting, resetRoom, setDbLatency } from './common'
import type { LabDefinition, LabEnv, LabInstance } from './lab'
import { sampleUntilQuiet } from './sample-until-quiet'

/** How often the sampler measures while something changes. */
const SAMPLE_EVERY_MS = 1000
/** Samples without any change (and nothing left to expire) before the sampler pauses. */
const QUIET_SAMPLES = 5
/** Generations a measurement asked for looks at, newest first. */
const MEASURE_MAX_GENERATIONS = 20
/** Generations the published state lists. */
const LISTED_GENERATIONS = 12

function defaults(): VersioningLabState {
  return {
    version: 1,
    ttlSeconds: DEFAULT_TTL_SECONDS,
    load: { rps: 0, users: 20 },
    generations: [],
    usedMemory: null,
    sampledAt: null,
    stats: [],
    dbLatencyMs: 0,
    dbJitterMs: 0,
  }
}

let renameCounter = 0

function createVersioningLab(room: Room, env: LabEnv): LabInstance {
  let state = withStats(defaults())
  let stopLoad: (() => void) | undefined
  /** Generations the sampler measures: every one written to, until it is empty. */
  const watching = new Set<number>()
  /** The latest figures of every generation seen. */
  const figures = new Map<number, GenerationFigures>()
  /** The last value recorded for each gauge. */
  const recorded = new Map<string, Recorded>()

  const set = (patch: Partial<VersioningLabState>) => {
    state = withStats({ ...state, ...patch })
  }
  const publish = () => env.publishState(state)
  const ttlMs = () => (state.ttlSeconds === null ? null : state.ttlSeconds * 1000)

  /** Measures generations, records the figures that changed, and says whether anything did. */
  const sample = async (force = false): Promise<boolean> => {
    const all = [...new Set([...figures.keys(), ...watching, state.version])].sort((a, b) => b - a)
    const versions = force ? all.slice(0, MEASURE_MAX_GENERATIONS) : [...new Set([...watching, state.version])]
    const m = await measureGenerations(env.redis, room.keys.full, versions, LIMITS.usersPerRoom)
    const now = Date.now()
    const values: { name: string; value: number; noisy?: boolean }[] = []
    for (const g of m.generations) {
      figures.set(g.version, g)
      values.push(
        { name: gaugeName.memory(g.version), value: g.bytes },
        { name: gaugeName.keys(g.version), value: g.keys },
      )
      if (g.keys === 0 && g.version !== state.version) watching.delete(g.version)
    }
    if (m.usedMemory !== null) values.push({ name: gaugeName.usedMemory, value: m.usedMemory, noisy: true })
    const changed = gaugesToRecord(recorded, values, now, force)
    for (const { name, value } of changed) {
      room.record(make('gauge', 'cache', { name, value, unit: name.endsWith(' keys') ? 'keys' : 'bytes' }))
      recorded.set(name, { value, at: now })
    }
    const generations = [...figures.values()].sort((a, b) => b.version - a.version).slice(0, LISTED_GENERATIONS)
    set({ generations, usedMemory: m.usedMemory, sampledAt: now })
    if (changed.length > 0) publish()
    return changed.some((c) => c.name !== gaugeName.usedMemory)
  }

  const { kick, pause, settled } = sampleUntilQuiet({
    sample,
    // A load keeps caching keys, and a watched generation with keys on a TTL has expiries still to come.
    busy: () => state.load.rps > 0 || [...figures.values()].some((g) => g.maxTtlMs !== null && watching.has(g.version)),
    everyMs: SAMPLE_EVERY_MS,
    quietSamples: QUIET_SAMPLES,
  })

  const read = async (userId: number, by: Actor) => {
    const version = state.version
    watching.add(version)
    kick()
    return room.request('read', by, (s) => readVersioned(s, version, userId, ttlMs()), {
      key: versionedUserKey(version, userId),
    })
  }

  const setLoad = (load: VersioningLabState['load']) => {
    stopLoad?.()
    stopLoad = undefined
    set({ load })
    if (load.rps > 0) {
      stopLoad = startLoad({ rps: load.rps, tick: () => read(1 + Math.floor(Math.random() * load.users), 'load') })
      kick()
    }
    recordSetting(room, 'load', load.rps > 0 ? `${load.rps} reads/s over users 1–${load.users}` : 'off')
  }

  const actions: Record<string, (p: Record<string, unknown>, by: Actor) => Promise<unknown>> = {
    read: (p, by) => read(p.userId as number, by),
    update: (p, by) =>
      room.request('update', by, (s) => updateUser(s, p.userId as number, `Renamed ${++renameCounter}`), {
        key: dataKey.user(p.userId as number),
      }),
    fill: async (p, by) => {
      const version = state.version
      watching.add(version)
      const users = p.users as number
      const out = await room.request(
        'fill',
        by,
        async (s) => ({ ok: true, from: 'db' as const, ...(await fillGeneration(s, version, users, ttlMs())) }),
        {
          key: dataKey.versioned(version, 'user:*'),
          label: `${users} users`,
        },
      )
      kick()
      return out
    },
    bump: async () => {
      set({ version: nextVersion(state.version) })
      watching.add(state.version)
      recordSetting(room, 'version', `v${state.version}`)
      kick()
      return state
    },
    setTtl: async (p) => {
      set({ ttlSeconds: p.seconds as number | null })
      recordSetting(room, 'ttl', state.ttlSeconds === null ? 'none' : `${state.ttlSeconds} s`)
      return state
    },
    load: async (p) => {
      setLoad({ rps: p.rps as number, users: (p.users as number | undefined) ?? 20 })
      return state
    },
    sweep: async (p, by) => {
      const asked = p.version as number | undefined
      const old =
        asked !== undefined
          ? [asked]
          : [...figures.values()].filter((g) => g.version < state.version && g.keys > 0).map((g) => g.version)
      const swept: { version: number; deleted: number; calls: number }[] = []
      for (const version of old.sort((a, b) => a - b)) {
        const match = dataKey.versioned(version, '*')
        const out = await room.request(
          'sweep',
          by,
          async (s) => ({ ok: true, from: 'cache' as const, ...(await scanAndUnlink(s, match, 1000, 10_000)) }),
          { key: match },
        )
        swept.push({ version, deleted: out.deleted, calls: out.calls })
      }
      await sample()
      kick()
      return { swept }
    },
    measure: async () => {
      await sample(true)
      kick()
      return { generations: state.generations, usedMemory: state.usedMemory }
    },
    dbLatency: async (p) => {
      set(setDbLatency(room, p.ms as number, p.jitterMs as number))
      return state
    },
    reset: async () => {
      stopLoad?.()
      stopLoad = undefined
      pause()
      await settled()
      watching.clear()
      figures.clear()
      recorded.clear()
      state = withStats(defaults())
      return { ...state, ...(await resetRoom(room, env)) }
    },
  }

  return {
    state: () => state,
    act: actAndPublish(actions, () => state, publish),
    stop() {
      stopLoad?.()
      pause()
    },
  }
}

function withStats(s: VersioningLabState): VersioningLabState {
  const old = s.generations.filter((g) => g.version < s.version)
  const keys = old.reduce((n, g) => n + g.keys, 0)
  const bytes = old.reduce((n, g) => n + g.bytes, 0)
  const forever = old.reduce((n, g) => n + g.noTtl, 0)
  return {
    ...s,
    stats: [
      { label: 'Current version', value: `v${s.version}`, hint: `keys are named v${s.version}:user:<id>` },
      {
        label: 'Keys in old generations',
        value: keys,
        hint:
          forever > 0
            ? `${forever} without a TTL: they never leave`
            : keys > 0
              ? 'leaving with their TTLs'
              : 'none left',
        warn: forever > 0,
      },
      { label: 'Memory they hold', value: formatBytes(bytes), hint: 'MEMORY USAGE per key, summed', warn: forever > 0 },
      {
        label: 'Redis used_memory',
        value: s.usedMemory === null ? '—' : formatBytes(s.usedMemory),
        hint: 'INFO memory: the whole server, everything on it',
      },
    ],
  }
}

export const versioningLabDefinition: LabDefinition = { spec: versioningLab, create: createVersioningLab }
