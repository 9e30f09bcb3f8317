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

  /** Counts one more connection; past the budget throws E_FULL and counts nothing. */
  acquire(): void {
    if (this.used + 1 > this.max) {
      throw limitErrors.full(
        `This server's labs hold ${this.used} Redis connections, its limit is ${this.max}: this lab's app servers cannot start now.`,
        RETRY_S,
      )
    }
    this.used += 1
  }

  release(): void {
    this.used = Math.max(0, this.used - 1)
  }
}
