/**
 * The Redis connections this instance's rooms may hold between them (app servers, their subscribers and
 * stream readers, the stampede lab's unlock subscriber). Each one is also up to three file descriptors here
 * (the client, and both ends of the room's proxy) and one of the shared Redis's clients (10,000 by default),
 * so past the budget a lab that needs more is refused with a clear 503 instead of exhausting either.
 */
import { limitErrors } from './limit-error'

/** Retry-After when the budget is spent: idle rooms give their connections back within about this long. */
const RETRY_S = 60

export class ConnectionBudget {
  private used = 0

  constructor(readonly max: number) {}

  get inUse(): number {
    return this.used
  }

  /** Throws E_FULL unless `n` more connections fit. */
  check(n = 1): void {
    if (this.used + n > this.max) {
      throw limitErrors.full(
        `This server's labs hold ${this.used} Redis connections, its limit is ${this.max}: this lab's app servers cannot start now.`,
        RETRY_S,
      )
    }
  }

  /** Counts one more connection (after check()). */
  acquire(): void {
    this.used += 1
  }

  release(): void {
    this.used = Math.max(0, this.used - 1)
  }
}
