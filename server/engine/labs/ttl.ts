/**
 * The TTL lab's engine side: its settings (TTL, data class, load) and the actions the UI, the API and the
 * demos call. The strategy itself is in ../strategies/cache-aside-ttl.ts.
 */
import type { Actor } from '../../../lib/events'
import { dataKey } from '../../../lib/keys'
import { ttlLab, type DataClass, type TtlLabState } from '../../../lib/labs/ttl'
import { isWriteTick, startLoad } from '../load'
import type { Room } from '../room'
import { expireNow, readUser, ttlMs, ttlSecondsFor, updateUser } from '../strategies/cache-aside-ttl'
import { recordSetting, resetRoom, setDbLatency } from './common'
import type { LabDefinition, LabEnv, LabInstance } from './lab'

const DEFAULT_CLASS: DataClass = 'warm'

function defaults(): TtlLabState {
  return {
    dataClass: DEFAULT_CLASS,
    ttlSeconds: ttlSecondsFor(DEFAULT_CLASS),
    load: { rps: 0, users: 5, writeRatio: 0.05 },
    dbLatencyMs: 0,
    dbJitterMs: 0,
  }
}

let renameCounter = 0

function createTtlLab(room: Room, env: LabEnv): LabInstance {
  let state = defaults()
  let stopLoad: (() => void) | undefined

  const publish = () => env.publishState(state)
  const setting = (name: string, value: string | number | boolean | null) => recordSetting(room, name, value)

  const read = (userId: number, by: Actor) =>
    room.request('read', by, (s) => readUser(s, userId, ttlMs(state.ttlSeconds)), {
      key: dataKey.user(userId),
    })

  const update = (userId: number, by: Actor, name?: string) =>
    room.request('update', by, (s) => updateUser(s, userId, name ?? `Renamed ${++renameCounter}`), {
      key: dataKey.user(userId),
    })

  const setLoad = (load: TtlLabState['load']) => {
    stopLoad?.()
    stopLoad = undefined
    state = { ...state, load }
    if (load.rps > 0) {
      stopLoad = startLoad({
        rps: load.rps,
        tick: (i) => {
          const userId = load.users === 1 ? 1 : 1 + Math.floor(Math.random() * load.users)
          return isWriteTick(i, load.writeRatio) ? update(userId, 'load') : read(userId, 'load')
        },
      })
    }
    setting('load', load.rps > 0 ? `${load.rps} rps over ${load.users} users, ${Math.round(load.writeRatio * 100)}% writes` : 'off')
  }

  const actions: Record<string, (p: Record<string, unknown>, by: Actor) => Promise<unknown>> = {
    read: (p, by) => read(p.userId as number, by),
    update: (p, by) => update(p.userId as number, by, p.name as string | undefined),
    expire: (p, by) =>
      room.request('expire', by, (s) => expireNow(s, p.userId as number), { key: dataKey.user(p.userId as number) }),
    setTtl: async (p) => {
      state = { ...state, dataClass: 'custom', ttlSeconds: p.seconds as number | null }
      setting('ttl', state.ttlSeconds === null ? 'none' : `${state.ttlSeconds} s`)
      return state
    },
    setDataClass: async (p) => {
      const dataClass = p.dataClass as DataClass
      state = { ...state, dataClass, ttlSeconds: ttlSecondsFor(dataClass) }
      setting('dataClass', `${dataClass} (${state.ttlSeconds} s)`)
      return state
    },
    load: async (p) => {
      setLoad({ rps: p.rps as number, users: p.users as number, writeRatio: p.writeRatio as number })
      return state
    },
    dbLatency: async (p) => {
      state = { ...state, ...setDbLatency(room, p.ms as number, p.jitterMs as number) }
      return state
    },
    reset: async () => {
      stopLoad?.()
      stopLoad = undefined
      state = defaults()
      return { ...state, ...(await resetRoom(room, env)) }
    },
  }

  return {
    state: () => state,
    async act(action, params, by) {
      const handler = actions[action]
      if (!handler) throw new Error(`no handler for ${action}`)
      const before = state
      const result = await handler(params, by)
      // Settings are replaced, never mutated: only a new state is news for the browsers.
      if (state !== before) publish()
      return result
    },
    stop: () => stopLoad?.(),
  }
}

export const ttlLabDefinition: LabDefinition = { spec: ttlLab, create: createTtlLab }
