/**
 * The delete vs update on write lab's engine side: its settings (cache step, order, TTL), the actions the
 * UI, the API and the demos call, and the figures it publishes (next-read latency after each kind of write,
 * work per write, wasted cache writes, never-committed reads, cache errors). The strategies are in
 * ../strategies/delete-on-write.ts and update-on-write.ts; reads are ../strategies/cache-aside-ttl.ts.
 */
import type { Actor } from '../../../lib/events'
import { dataKey } from '../../../lib/keys'
import {
  BURST,
  deleteVsUpdateLab,
  DVU_TTL,
  WRITE_STRATEGIES,
  type DeleteVsUpdateState,
  type WriteOrder,
  type WriteStrategy,
} from '../../../lib/labs/delete-vs-update'
import { formatLatency, type LabStatValue, type StrategyFigures } from '../../../lib/labs/write-figures'
import { errors } from '../errors'
import type { Room } from '../room'
import { readUser, ttlMs } from '../strategies/cache-aside-ttl'
import { deleteOnWrite } from '../strategies/delete-on-write'
import { updateOnWrite } from '../strategies/update-on-write'
import { burstPlan, burstWorstMs, runBurst } from './burst'
import { recordSetting, resetRoom, setDbLatency } from './common'
import type { LabDefinition, LabEnv, LabInstance } from './lab'
import { WriteLabCore, type WriteCounts } from './write-lab'

interface Settings {
  strategy: WriteStrategy
  order: WriteOrder
  ttlSeconds: number
}

const defaults = (): Settings => ({ strategy: 'delete', order: 'db-first', ttlSeconds: DVU_TTL.default })
const ORDER_LABEL: Record<WriteOrder, string> = { 'db-first': 'DB first', 'cache-first': 'cache first' }

let renameCounter = 0

function createDeleteVsUpdateLab(room: Room, env: LabEnv): LabInstance {
  let settings = defaults()
  let bursting = false
  /** Bumped by reset and stop, so a burst that is still running stops starting requests. */
  let generation = 0

  const state = (): DeleteVsUpdateState => {
    const comparison = core.ledger.figures(Date.now())
    return {
      ...settings,
      dbLatencyMs: room.dbLatency.ms,
      dbJitterMs: room.dbLatency.jitterMs,
      burst: bursting,
      comparison,
      lastWrite: core.lastWrite,
      counts: core.counts,
      stats: stats(comparison, core.counts),
    }
  }
  const core = new WriteLabCore(room, WRITE_STRATEGIES, () => env.publishState(state()))

  const read = (userId: number, by: Actor) =>
    core.read(dataKey.user(userId), by, (s) => readUser(s, userId, ttlMs(settings.ttlSeconds)))

  const write = (strategy: WriteStrategy, userId: number, by: Actor, name = `Renamed ${++renameCounter}`) => {
    const { order } = settings
    const ttl = ttlMs(settings.ttlSeconds)
    const action = strategy === 'delete' ? 'deleteOnWrite' : 'updateOnWrite'
    return core.write({ key: dataKey.user(userId), strategy, action, order, userId }, by, (s) =>
      strategy === 'delete' ? deleteOnWrite(s, userId, name, { order }) : updateOnWrite(s, userId, name, { order, ttlMs: ttl }),
    )
  }

  const actions: Record<string, (p: Record<string, unknown>, by: Actor) => Promise<unknown>> = {
    read: (p, by) => read(p.userId as number, by),
    write: (p, by) => write(settings.strategy, p.userId as number, by, p.name as string | undefined),
    deleteOnWrite: (p, by) => write('delete', p.userId as number, by, p.name as string | undefined),
    updateOnWrite: (p, by) => write('update', p.userId as number, by, p.name as string | undefined),
    setStrategy: async (p) => {
      settings = { ...settings, strategy: p.strategy as WriteStrategy }
      recordSetting(room, 'strategy', core.label(settings.strategy))
      return state()
    },
    setOrder: async (p) => {
      settings = { ...settings, order: p.order as WriteOrder }
      recordSetting(room, 'order', ORDER_LABEL[settings.order])
      return state()
    },
    setTtl: async (p) => {
      settings = { ...settings, ttlSeconds: p.seconds as number }
      recordSetting(room, 'ttl', `${settings.ttlSeconds} s`)
      return state()
    },
    burst: async (p) => {
      if (bursting) throw errors.busy('A burst is already running in this room.')
      const { ops, users, readRatio } = p as { ops: number; users: number; readRatio: number }
      const { strategy } = settings
      const plan = burstPlan(ops, users, readRatio)
      // Bounded, so the burst ends before the browser stops waiting for it.
      const statementMs = room.dbLatency.ms + room.dbLatency.jitterMs
      const statements = strategy === 'update' && settings.order === 'cache-first' ? 2 : 1
      const worst = burstWorstMs(plan, statementMs, statements)
      if (worst > BURST.maxMs) {
        const chain = worst / (statementMs * statements)
        throw errors.tooMany(
          `At ${statementMs} ms per database statement this burst could take ${(worst / 1000).toFixed(1)} s; the limit is ${BURST.maxMs / 1000} s. Lower the database latency to ${Math.floor(BURST.maxMs / (chain * statements))} ms or less, or send fewer requests.`,
        )
      }
      const reads = plan.filter((op) => op.kind === 'read').length
      recordSetting(room, 'burst', `${ops} requests to users 1–${users} (${ops - reads} writes, ${reads} reads), ${core.label(strategy)}`)
      bursting = true
      env.publishState(state())
      const mine = generation
      let requests: number
      try {
        requests = await runBurst(
          plan,
          (op) => (op.kind === 'read' ? read(op.userId, 'load') : write(strategy, op.userId, 'load')),
          () => generation !== mine,
        )
      } finally {
        bursting = false
      }
      return { requests, ...state() }
    },
    dbLatency: async (p) => {
      setDbLatency(room, p.ms as number, p.jitterMs as number)
      return state()
    },
    reset: async () => {
      generation += 1
      settings = defaults()
      core.clear()
      return { ...(await resetRoom(room, env)), ...state() }
    },
  }

  return {
    state,
    async act(action, params, by) {
      const handler = actions[action]
      if (!handler) throw new Error(`no handler for ${action}`)
      try {
        return await handler(params, by)
      } finally {
        core.publish()
      }
    },
    stop: () => {
      generation += 1
      core.stop()
    },
  }
}

/** The figure tiles: what the learner should compare at a glance. */
export function stats(figures: StrategyFigures[], counts: WriteCounts): LabStatValue[] {
  const byId = Object.fromEntries(figures.map((f) => [f.id, f])) as Record<WriteStrategy, StrategyFigures>
  const stored = figures.reduce((n, f) => n + f.stored, 0)
  const wasted = figures.reduce((n, f) => n + f.wasted, 0)
  const unread = figures.reduce((n, f) => n + f.unread, 0)
  return [
    nextReadStat(byId.delete, 'Next read after a delete'),
    nextReadStat(byId.update, 'Next read after an update'),
    { label: 'Cache writes wasted', value: wasted, hint: `of ${stored} values stored by writes; ${unread} unread so far`, warn: wasted > 0 },
    { label: 'Never-committed reads', value: counts.dirtyReads, hint: 'served a version the DB never committed', warn: counts.dirtyReads > 0 },
    { label: 'Cache errors in writes', value: counts.cacheFailures, hint: 'logged and counted; the write still answered', warn: counts.cacheFailures > 0 },
    { label: 'Failed DB writes', value: counts.failedDbWrites, hint: 'the database aborted the write' },
  ]
}

/** The last first-read after a write of this strategy: its latency and whether it hit. */
export function nextReadStat(f: StrategyFigures, label: string): LabStatValue {
  return {
    label,
    value: f.lastNextRead ? `${formatLatency(f.lastNextRead.ms)} · ${f.lastNextRead.hit ? 'hit' : 'miss'}` : '—',
    hint:
      f.nextReads > 0
        ? `mean ${formatLatency(f.avgNextReadMs)} over ${f.nextReads}, ${f.nextReadHits} hit${f.nextReadHits === 1 ? '' : 's'}`
        : `write with "${f.label}", then read`,
  }
}

export const deleteVsUpdateLabDefinition: LabDefinition = { spec: deleteVsUpdateLab, create: createDeleteVsUpdateLab }
