/** What the engine needs from a running lab: its settings for the UI, its actions, reset and stop. */
import type { Redis } from 'ioredis'
import type { Actor } from '../../../lib/events'
import type { LabSpec } from '../../../lib/labs/types'
import type { ServerL1 } from '../../../lib/protocol'
import type { Database } from '../../db/database'
import type { Room } from '../room'

export interface LabEnv {
  db: Database
  /**
   * The engine's command connection, for what a lab does outside any request: reads that are the lab looking
   * (as the key inspector does; nothing sent on it is recorded), server-wide figures (DBSIZE, INFO memory,
   * MEMORY USAGE samples) and opening a connection of its own (duplicate()). The app's own commands go
   * through a request scope.
   */
  redis: Redis
  /** Tells the room's browsers the lab's settings changed. */
  publishState(state: unknown): void
  /** Deletes the room's cached data keys (not its event stream), recording each delete. */
  clearCache(): Promise<number>
  /** Restores the room's database rows to the seed data. */
  reseed(): Promise<void>
}

export interface LabInstance {
  state(): unknown
  /** Runs an action whose params were already validated against the lab spec's schema. */
  act(action: string, params: Record<string, unknown>, by: Actor): Promise<unknown>
  stop(): void
  /** The room acted on another lab: stop what runs in the background (a schedule, a load). */
  leave?(): void
  /** Each app server's L1 cache, for the inspector (labs that run app servers). */
  inspect?(): ServerL1[]
}

export interface LabDefinition {
  spec: LabSpec
  create(room: Room, env: LabEnv): LabInstance
}
