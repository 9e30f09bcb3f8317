/** A token bucket: `rate` tokens a second, holding at most `burst`. take() is false when empty. */
export class TokenBucket {
  private tokens: number
  private last = Date.now()

  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst
  }

  take(n = 1): boolean {
    if (this.available() < n) return false
    this.tokens -= n
    return true
  }

  /** Tokens there now (refilled for the time since the last look). */
  available(): number {
    const now = Date.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate)
    this.last = now
    return this.tokens
  }

  /** Whole seconds until `n` tokens are there again (at least 1): what a Retry-After says. */
  retryAfterSeconds(n = 1): number {
    return Math.max(1, Math.ceil((n - this.available()) / this.rate))
  }

  /** Refilled to the brim: nothing to remember about whoever used it. */
  get full(): boolean {
    return this.available() >= this.burst
  }
}
