/**
 * Waiting on a notification instead of polling: a lock holder that has stored the value PUBLISHes the key
 * on the room's unlock channel; a waiter parks on that key until the message comes (or a timeout, after
 * which it looks again: a dead holder never publishes). One subscriber connection per room, shared by every
 * app server's waiters in this process.
 */
import type { Redis } from 'ioredis'
import type { Room, Scope } from '../../room'

export interface Parked {
  /** Resolves true when the key was announced, false at the timeout. */
  woken: Promise<boolean>
  /** Stop waiting (the value turned up another way). */
  cancel(): void
}

export class UnlockChannel {
  private sub: Redis | undefined
  private starting: Promise<void> | undefined
  private readonly waiters = new Map<string, Set<(woken: boolean) => void>>()

  constructor(private readonly room: Room) {}

  get channel(): string {
    return this.room.keys.unlock
  }

  /** Subscribes (once); resolves when Redis confirmed the subscription. */
  start(): Promise<void> {
    if (!this.starting) {
      const sub = this.room.connect('stampede-unlock', 'subscriber')
      this.sub = sub
      sub.on('message', (channel: string, key: string) => {
        if (channel === this.channel) this.wake(key)
      })
      this.starting = sub.subscribe(this.channel).then(() => undefined)
      this.starting.catch(() => (this.starting = undefined))
    }
    return this.starting
  }

  /** Parks a waiter on `key` for at most `ms`. */
  park(key: string, ms: number): Parked {
    let settle: (woken: boolean) => void = () => {}
    const woken = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => settle(false), Math.max(1, ms))
      settle = (w) => {
        clearTimeout(timer)
        this.waiters.get(key)?.delete(settle)
        resolve(w)
      }
    })
    let set = this.waiters.get(key)
    if (!set) this.waiters.set(key, (set = new Set()))
    set.add(settle)
    return { woken, cancel: () => settle(false) }
  }

  /** Announces that `key` holds a fresh value; returns how many subscribers Redis delivered it to. */
  async publish(scope: Scope, key: string): Promise<number> {
    const channel = this.channel
    const receivers = await scope.cache.command('PUBLISH', key, (redis) => redis.publish(channel, key))
    // One per fill: shown whichever request made it.
    scope.note('publish', 'bus', { via: 'pubsub', channel: 'unlock', receivers }, key)
    return receivers
  }

  private wake(key: string): void {
    const set = this.waiters.get(key)
    if (!set) return
    this.waiters.delete(key)
    for (const settle of [...set]) settle(true)
  }

  async stop(): Promise<void> {
    for (const [key, set] of this.waiters) {
      this.waiters.delete(key)
      for (const settle of [...set]) settle(false)
    }
    const sub = this.sub
    this.sub = undefined
    this.starting = undefined
    if (sub) await this.room.disconnect(sub)
  }
}
