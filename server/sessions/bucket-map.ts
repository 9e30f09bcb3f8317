/**
 * Token buckets by key (a client address, a session code), created full on first use. At most `maxKeys` are
 * remembered: the oldest is forgotten first, so a flood of new keys costs memory only up to that bound (and a
 * forgotten key starts again with a full bucket, which is what a key that has been quiet that long deserves).
 */
import { TokenBucket } from '../socket/rate-limit'

export class BucketMap {
  private readonly buckets = new Map<string, TokenBucket>()

  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Whether `key` has no whole token left (an unknown key has a full bucket). */
  empty(key: string): boolean {
    const bucket = this.buckets.get(key)
    return bucket !== undefined && bucket.available() < 1
  }

  /** Spends one of `key`'s tokens (if there is one). */
  spend(key: string): void {
    let bucket = this.buckets.get(key)
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!)
      bucket = new TokenBucket(this.perMinute / 60, this.burst)
      this.buckets.set(key, bucket)
    }
    bucket.take()
  }
}
