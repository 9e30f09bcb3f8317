/**
 * How many rooms may exist: per visitor address, and in total on this instance. Every room costs memory, a
 * stream in Redis, seeded rows and (once a lab runs app servers) Redis connections, so one visitor looping
 * on "create" must not be able to fill the server. A room counts until it is cleaned up (idle, or ended).
 * A creation in progress counts too, so concurrent requests cannot all slip under the limit.
 */
import { limitErrors } from './limit-error'

export interface RoomQuotaOptions {
  /** Rooms one address may have at once. */
  perAddress: number
  /** Rooms this instance runs at most (created here or taken over). */
  total: number
  /** How long an unused room lives: the earliest a slot frees up by itself. */
  idleMs: number
  /** Rooms this instance runs now. */
  liveCount(): number
  isLive(id: string): boolean
}

/** Retry-After for a full quota: the janitor frees rooms within about a minute of their idle deadline. */
const RETRY_S = 60

export class RoomQuota {
  private readonly byAddress = new Map<string, Set<string>>()
  private readonly pending = new Map<string, number>()

  constructor(private readonly opts: RoomQuotaOptions) {}

  /** Creates a room for `address` with `make` if both limits allow it; throws a LimitError otherwise. */
  async create<R extends { id: string }>(address: string, make: () => Promise<R>): Promise<R> {
    const mine = this.count(address)
    const pendingHere = this.pending.get(address) ?? 0
    const pendingAll = [...this.pending.values()].reduce((a, b) => a + b, 0)
    if (mine + pendingHere >= this.opts.perAddress) {
      throw limitErrors.yours(
        `Your address already has ${rooms(this.opts.perAddress)}, the most one address may have; a room closes after ${Math.round(this.opts.idleMs / 60_000)} minutes unused.`,
        RETRY_S,
      )
    }
    if (this.opts.liveCount() + pendingAll >= this.opts.total) {
      throw limitErrors.full(`This server is full: it runs ${rooms(this.opts.total)}, its limit.`, RETRY_S)
    }
    this.pending.set(address, pendingHere + 1)
    try {
      const room = await make()
      let set = this.byAddress.get(address)
      if (!set) this.byAddress.set(address, (set = new Set()))
      set.add(room.id)
      return room
    } finally {
      const left = (this.pending.get(address) ?? 1) - 1
      if (left > 0) this.pending.set(address, left)
      else this.pending.delete(address)
    }
  }

  /** Live rooms `address` created (forgetting those cleaned up since). */
  count(address: string): number {
    const set = this.byAddress.get(address)
    if (!set) return 0
    for (const id of set) if (!this.opts.isLive(id)) set.delete(id)
    if (set.size === 0) this.byAddress.delete(address)
    return set.size
  }
}

function rooms(n: number): string {
  return n === 1 ? '1 room' : `${n} rooms`
}
