/**
 * The write-through lab's engine side: its settings (the TTL of cached profiles), the actions the UI, the API
 * and the demos call, and the figures it publishes (write latency and work of write-through next to delete
 * on write, reads after a write that hit, cache errors after the commit). The strategy is
 * ../strategies/write-through.ts; the comparison write is ../strategies/delete-on-write.ts.
 */
import type { Actor } from '../../../lib/events'
import { dataKey } from '../../../lib/keys'
import { formatLatency, type LabStatValue, type StrategyFigures } from '../../../lib/labs/write-figures'
import {
  THROUGH_STRATEGIES,
  writeThroughLab,
  WT_TTL,
  type ThroughStrategy,
  type WriteThroughState,
} from '../../../lib/labs/write-through'
import type { Room } from '../room'
import { ttlMs } from '../strategies/cache-aside-ttl'
import { deleteOnWrite } from '../strategies/delete-on-write'
import { readProfile, writeThrough } from '../strategies/write-through'
import { recordSetting, resetRoom, setDbLatency } from './common'
import type { LabDefinition, LabEnv, LabInstance } from './lab'
import { WriteLabCore, type WriteCounts } from './write-lab'

let renameCounter = 0

function createWriteThroughLab(room: Room, env: LabEnv): LabInstance {
  let ttlSeconds: number | null = WT_TTL.default

  const state = (): WriteThroughState => {
    const comparison = core.ledger.figures(Date.now())
    return {
      ttlSeconds,
      dbLatencyMs: room.dbLatency.ms,
      dbJitterMs: room.dbLatency.jitterMs,
      comparison,
      lastWrite: core.lastWrite,
      counts: core.counts,
      stats: stats(comparison, core.counts, ttlSeconds),
    }
  }
  const core = new WriteLabCore(room, THROUGH_STRATEGIES, () => env.publishState(state()))

  const write = (strategy: ThroughStrategy, userId: number, by: Actor, name = `Renamed ${++renameCounter}`) => {
    const key = dataKey.profile(userId)
    const ttl = ttlMs(ttlSeconds)
    const action = strategy === 'through' ? 'writeThrough' : 'deleteOnWrite'
    return core.write({ key, strategy, action, order: 'db-first', userId }, by, (s) =>
      strategy === 'through' ? writeThrough(s, userId, name, ttl) : deleteOnWrite(s, userId, name, { order: 'db-first', key }),
    )
  }

  const actions: Record<string, (p: Record<string, unknown>, by: Actor) => Promise<unknown>> = {
    read: (p, by) => {
      const userId = p.userId as number
      return core.read(dataKey.profile(userId), by, (s) => readProfile(s, userId, ttlMs(ttlSeconds)))
    },
    writeThrough: (p, by) => write('through', p.userId as number, by, p.name as string | undefined),
    deleteOnWrite: (p, by) => write('delete', p.userId as number, by, p.name as string | undefined),
    setTtl: async (p) => {
      ttlSeconds = p.seconds as number | null
      recordSetting(room, 'ttl', ttlSeconds === null ? 'none' : `${ttlSeconds} s`)
      return state()
    },
    dbLatency: async (p) => {
      setDbLatency(room, p.ms as number, p.jitterMs as number)
      return state()
    },
    reset: async () => {
      ttlSeconds = WT_TTL.default
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
    stop: () => core.stop(),
  }
}

/** The figure tiles: write cost on one side, what it buys on the other. */
export function stats(figures: StrategyFigures[], counts: WriteCounts, ttlSeconds: number | null): LabStatValue[] {
  const byId = Object.fromEntries(figures.map((f) => [f.id, f])) as Record<ThroughStrategy, StrategyFigures>
  const writeLatency = (f: StrategyFigures, label: string): LabStatValue => ({
    label,
    value: formatLatency(f.avgWriteMs),
    hint: f.writes > 0 ? `mean of ${f.writes} write${f.writes === 1 ? '' : 's'}, ${f.dbStatementsPerWrite} SQL statements each` : 'no writes yet',
  })
  const reads = (f: StrategyFigures) => (f.nextReads === 0 ? '—' : `${f.nextReadHits} of ${f.nextReads}`)
  const through = byId.through
  return [
    writeLatency(through, 'Write latency, write-through'),
    writeLatency(byId.delete, 'Write latency, delete on write'),
    {
      label: 'Hits right after a write-through',
      value: reads(through),
      hint: `${through.nextReadsWrong > 0 ? `${through.nextReadsWrong} of them stale; ` : ''}after a delete: ${reads(byId.delete)}`,
      warn: through.nextReadsWrong > 0,
    },
    { label: 'Cache errors after commit', value: counts.cacheFailures, hint: 'logged and counted; the write still succeeded', warn: counts.cacheFailures > 0 },
    { label: 'TTL of new profiles', value: ttlSeconds === null ? 'none' : `${ttlSeconds} s`, hint: 'bounds how long a failed cache write stays stale', warn: ttlSeconds === null },
  ]
}

export const writeThroughLabDefinition: LabDefinition = { spec: writeThroughLab, create: createWriteThroughLab }
