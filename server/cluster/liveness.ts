/**
 * Which server instances are alive. Each instance keeps a heartbeat key (`cachelab:instance:<id>`) with a
 * short TTL and renews it every second; an instance that dies (SIGKILL, a crash, a lost machine) stops
 * renewing and its key lapses within HEARTBEAT_TTL_MS. A room whose owner has no heartbeat is known to be
 * unserved, and another instance takes it over at once instead of waiting out the room's owner key.
 *
 * An instance whose own heartbeat lapsed while it was alive (its event loop stalled, or Redis was away) may
 * have had its rooms taken over meanwhile: it is told (`onLapse`) so it checks them before acting again.
 */
import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import { logger } from '../log'

const log = logger('liveness')

/** How long an instance counts as alive after its last heartbeat. */
export const HEARTBEAT_TTL_MS = 3000
/** How often an instance renews its heartbeat: three chances before it lapses. */
export const HEARTBEAT_EVERY_MS = 1000

/** The heartbeat key of one instance (outside every room's prefix: no room's timeline hears of it). */
export function heartbeatKey(instance: string): string {
  return `cachelab:instance:${instance}`
}

export class Liveness {
  /** This process's own value in its heartbeat key: tells a restarted process with the same id from its predecessor. */
  private readonly incarnation = randomBytes(6).toString('hex')
  private timer: NodeJS.Timeout | undefined
  private beating: Promise<void> | undefined
  private started = false

  constructor(
    private readonly redis: Redis,
    readonly instance: string,
    private readonly onLapse: () => void = () => {},
  ) {}

  /** Writes the first heartbeat (so this instance counts as alive before it serves anything) and keeps renewing it. */
  async start(): Promise<void> {
    await this.beat().catch((err: unknown) => log.warn('could not write the first heartbeat', err))
    this.timer = setInterval(() => {
      this.beating ??= this.beat()
        .catch(() => {}) // Redis down: the health check reports it; the next beat tries again
        .finally(() => (this.beating = undefined))
    }, HEARTBEAT_EVERY_MS)
    this.timer.unref()
  }

  /** Whether an instance has a live heartbeat. Throws if Redis cannot answer. */
  async isAlive(instance: string): Promise<boolean> {
    if (instance === this.instance) return true
    return (await this.redis.exists(heartbeatKey(instance))) === 1
  }

  /** Stops renewing and removes the heartbeat, so this instance's rooms can be taken over at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer)
    await this.beating
    await this.redis.del(heartbeatKey(this.instance)).catch(() => 0)
  }

  private async beat(): Promise<void> {
    const previous = await this.redis.set(heartbeatKey(this.instance), this.incarnation, 'PX', HEARTBEAT_TTL_MS, 'GET')
    // The first beat may find a crashed predecessor's value (a restart with the same id): that is expected.
    if (this.started && previous !== this.incarnation) {
      if (previous !== null) log.warn(`another process uses the instance id ${this.instance}: give each instance its own INSTANCE_ID`)
      // For a while nobody could tell we were alive: another instance may have taken our rooms.
      this.onLapse()
    }
    this.started = true
  }
}
