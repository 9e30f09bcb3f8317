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
    const now = Date.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate)
    this.last = now
    if (this.tokens < n) return false
    this.tokens -= n
    return true
  }
}
