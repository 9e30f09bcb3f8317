/**
 * The stampede lab's engine side: its settings, the app servers (each with its own single-flight table),
 * bursts through one strategy or all of them in turn (./stampede-burst.ts), single reads a classroom fires,
 * and the "lock holder dies" fault. One burst at a time per room.
 */
import { make, type Actor } from '../../../lib/events'
import { dataKey } from '../../../lib/keys'
import {
  DEFAULT_DB_LATENCY_MS,
  STAMPEDE_DEFAULTS,
  stampedeLab,
  type BurstShape,
  type BurstSummary,
  type StampedeLabState,
} from '../../../lib/labs/stampede'
import { STRATEGIES, STRATEGY_LABELS, type StrategyId } from '../../../lib/labs/stampede-math'
import { errors } from '../errors'
import type { Room } from '../room'
import { loadEntry } from '../strategies/stampede/entry'
import { STAMPEDE_STRATEGIES } from '../strategies/stampede'
import type { AppServer, ReadContext, StampedeSettings } from '../strategies/stampede/types'
import { UnlockChannel } from '../strategies/stampede/unlock-channel'
import { recordSetting, resetRoom, setDbLatency } from './common'
import type { LabDefinition, LabEnv, LabInstance } from './lab'
import { fireBurst, planKeys } from './stampede-burst'

let compareCounter = 0

function defaults(): StampedeLabState {
  return { ...STAMPEDE_DEFAULTS, holderDies: false, running: null, dbLatencyMs: DEFAULT_DB_LATENCY_MS, dbJitterMs: 0 }
}

function createStampedeLab(room: Room, env: LabEnv): LabInstance {
  // The lab's 50 ms database latency applies when the room moves to this lab (engine: enterLab), never
  // on creation: every room creates every lab.
  let state = defaults()
  let servers: AppServer[] = []
  const serversFor = (n: number): AppServer[] => {
    while (servers.length < n) servers.push({ id: `app-${servers.length + 1}`, flights: new Map() })
    if (servers.length > n) servers = servers.slice(0, n)
    return servers
  }
  serversFor(state.servers)
  const publish = () => env.publishState(state)
  const set = (patch: Partial<StampedeLabState>) => {
    state = { ...state, ...patch }
    publish()
  }

  const settings = (): StampedeSettings => ({
    ttlMs: state.ttlMs,
    softTtlMs: Math.min(state.softTtlMs, state.ttlMs),
    lockTtlMs: state.lockTtlMs,
    maxWaitMs: state.maxWaitMs,
    beta: state.beta,
    leaseServesStale: state.leaseServesStale,
    lockWait: state.lockWait,
  })
  const unlocks = new UnlockChannel(room)
  /** The unlock channel, subscribed, when lock waiters wait on a notification. */
  const unlocksIfNeeded = async () => {
    if (state.lockWait !== 'notify') return undefined
    await unlocks.start()
    return unlocks
  }
  /** The fault: true once, for the next lock or lease winner. */
  const holderDies = () => {
    if (!state.holderDies) return false
    set({ holderDies: false })
    room.record(
      make('fault', 'cache', { name: 'lock-holder', on: false, detail: 'the holder died with the lock held' }),
    )
    return true
  }
  const shapeOf = (params: Record<string, unknown>): BurstShape => {
    const s = { ...state.burst }
    for (const k of Object.keys(s) as (keyof BurstShape)[])
      if (params[k] !== undefined) (s as Record<string, unknown>)[k] = params[k]
    return s
  }

  /** Runs `fn` as the room's one burst; a second one while it runs is refused. */
  const exclusive = async <T>(strategy: StrategyId, total: number, fn: () => Promise<T>): Promise<T> => {
    if (state.running)
      throw errors.busy(`A burst (${STRATEGY_LABELS[state.running.strategy]}) is still running in this room.`)
    set({ running: { id: 'pending', strategy, total } })
    try {
      return await fn()
    } finally {
      set({ running: null })
    }
  }

  const burst = async (strategy: StrategyId, shape: BurstShape, by: Actor, compare?: string, keyPlan?: number[]) => {
    set({ running: { id: compare ?? 'burst', strategy, total: shape.n } })
    const unlocksNow = await unlocksIfNeeded()
    const run = {
      strategy,
      shape,
      settings: settings(),
      servers: serversFor(state.servers),
      by,
      compare,
      holderDies,
      unlocks: unlocksNow,
    }
    return fireBurst(room, run, keyPlan)
  }

  return {
    state: () => state,
    async act(action, params, by) {
      switch (action) {
        case 'dbLatency': {
          const d = setDbLatency(room, params.ms as number, params.jitterMs as number)
          set(d)
          return state
        }
        case 'reset': {
          const result = await resetRoom(room, env)
          state = defaults()
          room.dbLatency = { ms: state.dbLatencyMs, jitterMs: 0 }
          servers = []
          serversFor(state.servers)
          publish()
          return result
        }
        case 'settings': {
          const patch: Partial<StampedeLabState> = {}
          const burstPatch: Partial<BurstShape> = {}
          for (const [k, v] of Object.entries(params)) {
            if (v === undefined) continue
            if (k in state.burst) (burstPatch as Record<string, unknown>)[k] = v
            else (patch as Record<string, unknown>)[k] = v
            recordSetting(room, k, v as string | number | boolean)
          }
          set({ ...patch, burst: { ...state.burst, ...burstPatch } })
          serversFor(state.servers)
          return state
        }
        case 'killHolder': {
          const on = (params.times as number) > 0
          set({ holderDies: on })
          room.record(
            make('fault', 'cache', {
              name: 'lock-holder',
              on,
              detail: on ? 'the next request to take the lock (or lease) dies holding it' : 'disarmed',
            }),
          )
          return state
        }
        case 'burst': {
          const strategy = (params.strategy as StrategyId | undefined) ?? state.strategy
          const shape = shapeOf(params)
          return exclusive(strategy, shape.n, () => burst(strategy, shape, by))
        }
        case 'compare': {
          const shape = shapeOf(params)
          const strategies = (params.strategies as StrategyId[] | undefined) ?? [...STRATEGIES]
          return exclusive(strategies[0]!, shape.n, async () => {
            const compare = `c${(++compareCounter).toString(36)}`
            // Every strategy reads the same keys in the same order.
            const keyPlan = planKeys(shape, Math.random)
            room.record(
              make('marker', 'app', {
                text: `Comparison ${compare}: ${strategies.length} strategies, the same burst of ${shape.n}`,
              }),
            )
            const rows: BurstSummary[] = []
            for (const strategy of strategies) rows.push(await burst(strategy, shape, by, compare, keyPlan))
            return { compare, rows }
          })
        }
        case 'read': {
          const userId = params.userId as number
          const key = dataKey.user(userId)
          const server = serversFor(state.servers)[Math.floor(Math.random() * state.servers)]!
          const strategy = STAMPEDE_STRATEGIES[state.strategy]
          const s = settings()
          const channel = await unlocksIfNeeded()
          return room.request(
            'read',
            by,
            async (scope) => {
              const ctx: ReadContext = {
                scope,
                key,
                userId,
                server,
                settings: s,
                load: () => loadEntry(scope, userId, s.ttlMs, s.softTtlMs),
                background: (work) => void work().catch(() => {}),
                refreshed: () => {},
                holderDies,
                random: Math.random,
                unlocks: channel,
              }
              const r = await strategy.read(ctx)
              return {
                ok: true,
                from: r.served === 'db' ? ('db' as const) : ('cache' as const),
                version: r.version,
                served: r.served,
              }
            },
            { key, node: state.servers > 1 ? server.id : undefined },
          )
        }
      }
      return state
    },
    stop() {
      void unlocks.stop()
    },
    /** The room moved to another lab or went idle: the unlock subscriber gives its connection back. */
    leave() {
      void unlocks.stop()
    },
  }
}

export const stampedeLabDefinition: LabDefinition = {
  spec: stampedeLab,
  create: createStampedeLab,
}
