/**
 * The event-driven lab's engine side: a cluster of app servers (each its own Redis connections and L1
 * cache), the current propagation mode, the faults (a listener down, a consumer crash, a writer crash), the
 * per-server figures, and the "compare all modes" script. The modes themselves are in
 * ../strategies/propagation/.
 */
import { make, type Actor } from '../../../lib/events'
import { dataKey } from '../../../lib/keys'
import {
  MODE_INFO,
  PROPAGATION_MODES,
  eventDrivenLab,
  type CompareRow,
  type EventDrivenState,
  type PropagationMode,
  type ServerStatus,
} from '../../../lib/labs/event-driven'
import { AppServer } from '../app-servers/app-server'
import { errors } from '../errors'
import { isWriteTick, startLoad } from '../load'
import type { Room } from '../room'
import type { UserRow } from '../room-db'
import { Cluster, type Propagation, type ServerBus } from '../strategies/propagation/cluster'
import { noPropagation } from '../strategies/propagation/none'
import { outboxPropagation } from '../strategies/propagation/outbox'
import { pubsubPropagation } from '../strategies/propagation/pubsub'
import { streamPropagation } from '../strategies/propagation/stream'
import { trackingPropagation } from '../strategies/propagation/tracking'
import { writeOnServer } from '../strategies/propagation/write'
import { readTwoTier } from '../strategies/two-tier-read'
import { recordSetting, resetRoom, setDbLatency } from './common'
import type { LabDefinition, LabEnv, LabInstance } from './lab'

const L1_MAX = 1000
const L2_TTL_SECONDS = 60
const STATUS_INTERVAL_MS = 1000

const PROPAGATIONS: Record<PropagationMode, (c: Cluster) => Propagation> = {
  none: noPropagation,
  pubsub: pubsubPropagation,
  stream: streamPropagation,
  outbox: outboxPropagation,
  tracking: trackingPropagation,
}

function defaults(): EventDrivenState {
  return {
    mode: 'pubsub',
    servers: 3,
    l1TtlSeconds: 30,
    l2TtlSeconds: L2_TTL_SECONDS,
    crashWriterArmed: false,
    perServer: [],
    stats: [],
    compare: null,
    comparing: false,
    load: { rps: 0, users: 3, writeRatio: 0.1 },
    dbLatencyMs: 0,
    dbJitterMs: 0,
  }
}

let renames = 0

function createEventDrivenLab(room: Room, env: LabEnv): LabInstance {
  let state = defaults()
  let cluster: Cluster | undefined
  let propagation: Propagation | undefined
  let starting: Promise<void> | undefined
  let bus: Record<string, { lastDelivered: string; pending: number; lag: number | null }> = {}
  let statusTimer: NodeJS.Timeout | undefined
  let stopLoad: (() => void) | undefined
  const staleByServer = new Map<string, number>()
  const unlisten = room.listen((e) => {
    if (e.kind === 'stale-read' && e.node) staleByServer.set(e.node, (staleByServer.get(e.node) ?? 0) + 1)
  })

  const serverOptions = () => ({ l1Max: L1_MAX, l1TtlMs: state.l1TtlSeconds * 1000 })

  /** Starts the servers and the current mode on first use (a room that never opens this lab opens no connections). */
  const ensure = async (): Promise<{ cluster: Cluster; propagation: Propagation }> => {
    if (!cluster || !propagation) {
      starting ??= (async () => {
        const servers: ServerBus[] = []
        try {
          for (let i = 1; i <= state.servers; i++) servers.push(new AppServer<UserRow>(`app${i}`, room, serverOptions()))
          cluster = new Cluster(room, servers)
          propagation = PROPAGATIONS[state.mode](cluster)
          await propagation.start()
        } catch (err) {
          // Out of connections (the instance's budget) or Redis away: close what did open, try again next time.
          await teardown()
          await Promise.all(servers.map((s) => s.close()))
          throw err
        }
        statusTimer ??= setInterval(() => void refreshStatus(), STATUS_INTERVAL_MS)
        statusTimer.unref()
      })().finally(() => (starting = undefined))
      await starting
    }
    return { cluster: cluster!, propagation: propagation! }
  }

  /** Stops the mode and closes every server's connections. */
  const teardown = async () => {
    // Forgotten first, so an action meanwhile starts fresh servers instead of using closing ones.
    const [closing, p] = [cluster?.servers ?? [], propagation]
    cluster = undefined
    propagation = undefined
    bus = {}
    await p?.stop().catch(() => {})
    await Promise.all(closing.map((s) => s.close()))
  }

  const switchMode = async (mode: PropagationMode) => {
    const { cluster: c } = await ensure()
    await propagation!.stop()
    state = { ...state, mode }
    // Every listener starts up under the new mode.
    for (const s of c.servers) c.listeners.set(s.id, { up: true })
    propagation = PROPAGATIONS[mode](c)
    await propagation.start()
    recordSetting(room, 'mode', `${MODE_INFO[mode].label}: ${MODE_INFO[mode].short}`)
  }

  const serverOf = (c: Cluster, n: number): ServerBus => {
    const s = c.server(`app${n}`)
    if (!s) throw errors.invalid(`app${n} is not running (${state.servers} servers are)`)
    return s
  }

  const read = async (n: number, userId: number, by: Actor) => {
    const { cluster: c } = await ensure()
    const server = serverOf(c, n)
    return server.request('read', by, (scope) => readTwoTier(server, scope, userId, state.l2TtlSeconds * 1000), {
      key: dataKey.user(userId),
    })
  }

  const readAll = async (userId: number, by: Actor) => {
    const { cluster: c } = await ensure()
    const results = []
    for (const s of c.servers) results.push(await read(Number(s.id.slice(3)), userId, by))
    return results.map((r) => ({ from: r.from, version: r.version }))
  }

  const write = async (n: number, userId: number, by: Actor, name?: string) => {
    const { cluster: c, propagation: p } = await ensure()
    const crash = state.crashWriterArmed
    state = { ...state, crashWriterArmed: false }
    return writeOnServer(c, p, serverOf(c, n), userId, name ?? `Renamed ${++renames}`, { by, crashAfterCommit: crash })
  }

  const refreshStatus = async () => {
    if (!cluster || !propagation) return
    bus = (await propagation.busStatus?.()) ?? {}
    const before = JSON.stringify(state.perServer)
    state = { ...state, ...figures() }
    if (JSON.stringify(state.perServer) !== before) env.publishState(state)
  }

  /** Per-server figures and the lab's headline stats, from the cluster's counters. */
  const figures = (): Pick<EventDrivenState, 'perServer' | 'stats'> => {
    if (!cluster) return { perServer: [], stats: [] }
    const c = cluster
    const perServer: ServerStatus[] = c.servers.map((s) => {
      const k = c.counter(s.id)
      const l = c.listeners.get(s.id)
      const b = bus[s.id]
      return {
        id: s.id,
        listener: l?.crashed ? 'crashed' : l?.up === false ? 'down' : 'up',
        l1Entries: s.l1.size,
        delivered: k.delivered,
        duplicates: k.duplicates,
        lost: k.lost,
        acked: k.acked,
        staleReads: staleByServer.get(s.id) ?? 0,
        latencyP50: percentile(k.latencies, 50),
        latencyP99: percentile(k.latencies, 99),
        ...(b ? { lastDelivered: b.lastDelivered, pending: b.pending, lag: b.lag } : {}),
      }
    })
    const all = c.servers.flatMap((s) => c.counter(s.id).latencies)
    const sum = (f: (s: ServerStatus) => number) => perServer.reduce((a, s) => a + f(s), 0)
    const p50 = percentile(all, 50)
    const p99 = percentile(all, 99)
    return {
      perServer,
      stats: [
        { label: 'Mode', value: MODE_INFO[state.mode].label, hint: MODE_INFO[state.mode].delivery },
        { label: 'Invalidation p50 / p99', value: p50 === null ? '—' : `${fmt(p50)} / ${fmt(p99!)} ms`, hint: 'from the commit to each L1 drop' },
        { label: 'Stale reads', value: sum((s) => s.staleReads), hint: 'served by any server since the reset', warn: sum((s) => s.staleReads) > 0 },
        { label: 'Lost / duplicates', value: `${sum((s) => s.lost)} / ${sum((s) => s.duplicates)}`, hint: 'messages missed by a server / delivered twice', warn: sum((s) => s.lost) > 0 },
      ],
    }
  }

  /**
   * The same script under every mode: every server reads users 1-3; app1 writes user 1; app(last)'s listener
   * goes down while app1 writes user 2, then comes back; app2's consumer crashes before acking (stream modes)
   * and restarts; app1 writes user 3 and dies after its commit; every server reads users 1-3 again.
   */
  const compare = async (by: Actor): Promise<CompareRow[]> => {
    state = { ...state, comparing: true, compare: null }
    env.publishState(state)
    const rows: CompareRow[] = []
    const original = state.mode
    try {
      for (const mode of PROPAGATION_MODES) {
        room.record(make('marker', 'app', { text: `Compare: mode ${MODE_INFO[mode].label}` }))
        await switchMode(mode)
        const { cluster: c } = await ensure()
        for (const s of c.servers) s.resetL1(serverOptions())
        c.reset()
        staleByServer.clear()
        const scope = room.scope({ req: 'compare' })
        await scope.cache.unlink([1, 2, 3].map(dataKey.user))
        const last = c.servers.length
        for (const u of [1, 2, 3]) await readAll(u, by)
        await write(1, 1, by)
        await sleep(300)
        await propagation!.setListener(serverOf(c, last), false)
        if (propagation!.crashBeforeAck) propagation!.crashBeforeAck(serverOf(c, 2))
        await write(1, 2, by)
        await sleep(300)
        await propagation!.setListener(serverOf(c, last), true)
        await propagation!.setListener(serverOf(c, 2), true)
        await sleep(400)
        state = { ...state, crashWriterArmed: true }
        await write(1, 3, by)
        await sleep(600)
        const staleBefore = [...staleByServer.values()].reduce((a, b) => a + b, 0)
        for (const u of [1, 2, 3]) await readAll(u, by)
        const staleAfter = [...staleByServer.values()].reduce((a, b) => a + b, 0)
        const latencies = c.servers.flatMap((s) => c.counter(s.id).latencies)
        rows.push({
          mode,
          latencyP50: percentile(latencies, 50),
          latencyP99: percentile(latencies, 99),
          lost: c.servers.reduce((a, s) => a + c.counter(s.id).lost, 0),
          duplicates: c.servers.reduce((a, s) => a + c.counter(s.id).duplicates, 0),
          staleAtEnd: staleAfter - staleBefore,
          staleReads: staleAfter,
        })
      }
    } finally {
      await switchMode(original)
      state = { ...state, comparing: false, compare: rows, crashWriterArmed: false }
    }
    recordSetting(room, 'compare', rows.map((r) => `${r.mode}: ${r.staleAtEnd} stale`).join(', '))
    return rows
  }

  const setLoad = (load: EventDrivenState['load']) => {
    stopLoad?.()
    stopLoad = undefined
    state = { ...state, load }
    if (load.rps > 0) {
      stopLoad = startLoad({
        rps: load.rps,
        tick: (i) => {
          const server = 1 + (i % state.servers)
          const userId = 1 + Math.floor(Math.random() * load.users)
          return isWriteTick(i, load.writeRatio) ? write(server, userId, 'load') : read(server, userId, 'load')
        },
      })
    }
    recordSetting(room, 'load', load.rps > 0 ? `${load.rps} rps over ${load.users} users, ${Math.round(load.writeRatio * 100)}% writes` : 'off')
  }

  const actions: Record<string, (p: Record<string, unknown>, by: Actor) => Promise<unknown>> = {
    read: (p, by) => read(p.server as number, p.userId as number, by),
    readAll: (p, by) => readAll(p.userId as number, by),
    write: (p, by) => write(p.server as number, p.userId as number, by, p.name as string | undefined),
    setMode: async (p) => {
      await switchMode(p.mode as PropagationMode)
      return state
    },
    setServers: async (p) => {
      const count = p.count as number
      if (count !== state.servers || !cluster) {
        await teardown()
        state = { ...state, servers: count }
        await ensure()
        recordSetting(room, 'servers', count)
      }
      return state
    },
    setL1Ttl: async (p) => {
      state = { ...state, l1TtlSeconds: p.seconds as number }
      for (const s of cluster?.servers ?? []) s.resetL1(serverOptions())
      recordSetting(room, 'l1Ttl', `${state.l1TtlSeconds} s`)
      return state
    },
    listener: async (p) => {
      const { cluster: c, propagation: prop } = await ensure()
      if (state.mode === 'none' || state.mode === 'tracking') {
        throw errors.invalid(`Mode ${MODE_INFO[state.mode].label} has no listener to take down`)
      }
      const target = serverOf(c, p.server as number)
      await prop.setListener(target, p.up as boolean)
      c.listeners.set(target.id, { up: p.up as boolean })
      room.record(make('fault', 'app', { name: 'listener', on: !(p.up as boolean), detail: p.up ? 'back up' : 'down' }, undefined, { node: `app${p.server}` }))
      return state
    },
    crashWriter: async () => {
      state = { ...state, crashWriterArmed: true }
      room.record(make('fault', 'app', { name: 'writer-crash', on: true, detail: 'the next writer dies after its commit' }))
      return state
    },
    crashConsumer: async (p) => {
      const { cluster: c, propagation: prop } = await ensure()
      if (!prop.crashBeforeAck) throw errors.invalid('Only the stream and outbox modes have consumers to crash')
      prop.crashBeforeAck(serverOf(c, p.server as number))
      room.record(make('fault', 'app', { name: 'consumer-crash', on: true, detail: 'armed: the next entry is applied, not acknowledged' }, undefined, { node: `app${p.server}` }))
      return state
    },
    load: async (p) => {
      await ensure()
      setLoad({ rps: p.rps as number, users: p.users as number, writeRatio: p.writeRatio as number })
      return state
    },
    compare: (_p, by) => compare(by),
    dbLatency: async (p) => {
      state = { ...state, ...setDbLatency(room, p.ms as number, p.jitterMs as number) }
      return state
    },
    reset: async () => {
      stopLoad?.()
      stopLoad = undefined
      // The invalidation stream goes too (its consumer groups with it): a reset starts a fresh topic.
      await cluster?.servers[0]?.redis.unlink(room.keys.bus).catch(() => 0)
      await teardown()
      staleByServer.clear()
      state = defaults()
      const result = await resetRoom(room, env)
      await ensure()
      return { ...state, ...result }
    },
  }

  return {
    state: () => ({ ...state, ...figures() }),
    async act(action, params, by) {
      const handler = actions[action]
      if (!handler) throw new Error(`no handler for ${action}`)
      try {
        return await handler(params, by)
      } finally {
        state = { ...state, ...figures() }
        env.publishState(state)
      }
    },
    stop() {
      stopLoad?.()
      clearInterval(statusTimer)
      unlisten()
      void teardown()
    },
    /**
     * The room moved to another lab or went idle: the load stops and the app servers give their Redis
     * connections back (the next action here starts them again: empty L1 caches, every listener up).
     */
    leave() {
      stopLoad?.()
      stopLoad = undefined
      clearInterval(statusTimer)
      statusTimer = undefined
      if (state.load.rps > 0) state = { ...state, load: { ...state.load, rps: 0 } }
      void teardown()
    },
    inspect() {
      const now = Date.now()
      return (cluster?.servers ?? []).map((s) => ({
        id: s.id,
        entries: s.l1.snapshot(now).map((e) => ({ key: e.key, version: e.version ?? null, ttlMs: e.ttlMs })),
      }))
    },
  }
}

function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

function fmt(ms: number): string {
  return ms < 10 ? ms.toFixed(1) : String(Math.round(ms))
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

export const eventDrivenLabDefinition: LabDefinition = { spec: eventDrivenLab, create: createEventDrivenLab }
