/**
 * One token bucket per visitor address, so a limit holds however many sockets or connections the visitor
 * opens. Buckets that have refilled are forgotten (a full bucket is the same as a new one), so the map only
 * holds addresses active in the last few seconds and cannot grow without bound.
 */
import { TokenBucket } from '../socket/rate-limit'

export interface BucketLimit {
  /** Tokens per second. */
  rate: number
  /** Most tokens at once. */
  burst: number
}

/** Addresses looked at before the map is swept of refilled buckets. */
const SWEEP_EVERY = 1000

export class AddressBuckets {
  private readonly buckets = new Map<string, TokenBucket>()
  private sinceSweep = 0

  constructor(readonly limit: BucketLimit) {}

  /** Takes a token for `address`; returns 0 if it had one, else the seconds until it will. */
  take(address: string, n = 1): number {
    if (++this.sinceSweep >= SWEEP_EVERY) this.sweep()
    let bucket = this.buckets.get(address)
    if (!bucket) this.buckets.set(address, (bucket = new TokenBucket(this.limit.rate, this.limit.burst)))
    return bucket.take(n) ? 0 : bucket.retryAfterSeconds(n)
  }

  /** Addresses remembered right now (for tests and the capacity bench). */
  get size(): number {
    return this.buckets.size
  }

  private sweep(): void {
    this.sinceSweep = 0
    for (const [address, bucket] of this.buckets) if (bucket.full) this.buckets.delete(address)
  }
}
