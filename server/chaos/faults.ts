/**
 * The fault matrix: each fault breaks one real part while a lab runs, and says what a visitor should see.
 * Redis faults act on the run's private redis-server, the PostgreSQL fault on its private cluster, and the
 * embedded-database fault on the app's own PGlite (its users table renamed away, so every query on it really
 * fails inside the database, then renamed back).
 */
import { Redis } from 'ioredis'
import type { RunningApp } from '../app'
import type { PrivatePostgres } from './postgres-server'
import type { PrivateRedis } from './redis-server'

export interface FaultContext {
  app: RunningApp
  redis: PrivateRedis
  postgres?: PrivatePostgres
}

export interface Fault {
  id: string
  title: string
  database: 'pglite' | 'postgres'
  /**
   * What a page should show: the service marked down in the status banner, or (for a failure that leaves the
   * service up) failed requests with their error on the timeline, or nothing at all for a blip the app
   * rides through.
   */
  shows: 'redis-down' | 'db-down' | 'errors' | 'nothing-needed'
  /** How long the fault lasts before `heal` (0: it heals by itself). */
  holdMs: number
  inject(ctx: FaultContext): Promise<void>
  heal(ctx: FaultContext): Promise<void>
}

const RENAMED = 'users_away_for_chaos'

export const FAULTS: Fault[] = [
  {
    id: 'redis-killed',
    title: 'Redis killed (SIGKILL) and started again empty',
    database: 'pglite',
    shows: 'redis-down',
    holdMs: 1500,
    inject: (ctx) => ctx.redis.kill(),
    heal: (ctx) => ctx.redis.restart(),
  },
  {
    id: 'redis-frozen',
    title: 'Redis frozen for 2 s (SIGSTOP, then SIGCONT)',
    database: 'pglite',
    shows: 'redis-down',
    holdMs: 2000,
    inject: async (ctx) => ctx.redis.freeze(),
    heal: async (ctx) => ctx.redis.thaw(),
  },
  {
    id: 'redis-client-kill',
    title: "The app's Redis connections killed (CLIENT KILL)",
    database: 'pglite',
    shows: 'nothing-needed',
    holdMs: 0,
    async inject(ctx) {
      const admin = new Redis(ctx.redis.url, { lazyConnect: true })
      try {
        await admin.connect()
        await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes')
        await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub')
      } finally {
        admin.disconnect()
      }
    },
    heal: async () => {},
  },
  {
    id: 'postgres-restart',
    title: 'The PostgreSQL server stopped (fast) and started again',
    database: 'postgres',
    shows: 'db-down',
    holdMs: 1500,
    inject: (ctx) => need(ctx.postgres).stop(),
    heal: (ctx) => need(ctx.postgres).start(),
  },
  {
    id: 'pglite-failing',
    title: 'The embedded database failing every query on a table',
    database: 'pglite',
    shows: 'db-down',
    holdMs: 1500,
    inject: (ctx) => ctx.app.db.query(`ALTER TABLE users RENAME TO ${RENAMED}`).then(() => {}),
    heal: (ctx) => ctx.app.db.query(`ALTER TABLE ${RENAMED} RENAME TO users`).then(() => {}),
  },
]

function need(pg: PrivatePostgres | undefined): PrivatePostgres {
  if (!pg) throw new Error('this fault needs the private PostgreSQL server')
  return pg
}
