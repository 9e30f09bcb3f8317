/**
 * Token buckets by key (a visitor address, a session code, a host's room), created full on first use, so a
 * limit holds however many sockets or connections a visitor opens. Memory stays bounded two ways: buckets
 * that have refilled are swept now and then (a full bucket is the same as a new one), and at most `maxKeys`
 * are remembered, the oldest forgotten first (it starts again full, which a key quiet that long deserves).
 */
import { TokenBucket } from './token-bucket'

export interface BucketLimit {
  /** Tokens per second. */
  rate: number
  /** Most tokens at once. */
  burst: number
}

/** Looks at the map before it is swept of refilled buckets. */
const SWEEP_EVERY = 1000

export class KeyedBuckets {
  private readonly buckets = new Map<string, TokenBucket>()
  private sinceSweep = 0

  constructor(
    readonly limit: BucketLimit,
    private readonly maxKeys = 10_000,
  ) {}

  /** Takes `n` of `key`'s tokens; returns 0 if it had them, else the seconds until it will. */
  take(key: string, n = 1): number {
    const bucket = this.bucket(key)
    return bucket.take(n) ? 0 : bucket.retryAfterSeconds(n)
  }

  /** Whether `key` has no whole token left (an unknown key has a full bucket). */
  empty(key: string): boolean {
    const bucket = this.buckets.get(key)
    return bucket !== undefined && bucket.available() < 1
  }

  /** Spends one of `key`'s tokens, if there is one. */
  spend(key: string): void {
    this.take(key)
  }

  /** Keys remembered right now (for tests and the capacity bench). */
  get size(): number {
    return this.buckets.size
  }

  private bucket(key: string): TokenBucket {
    if (++this.sinceSweep >= SWEEP_EVERY) this.sweep()
    let bucket = this.buckets.get(key)
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!)
      this.buckets.set(key, (bucket = new TokenBucket(this.limit.rate, this.limit.burst)))
    }
    return bucket
  }

  private sweep(): void {
    this.sinceSweep = 0
    for (const [key, bucket] of this.buckets) if (bucket.full) this.buckets.delete(key)
  }
}

/** A limit given per minute, as the session guards count. */
export function perMinute(count: number, burst: number): BucketLimit {
  return { rate: count / 60, burst }
}
