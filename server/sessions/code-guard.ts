/**
 * Join codes are short enough to type (31^6 ≈ 887 million), so guessing them is held back here: each client
 * address gets a few "no such session" answers a minute (a bucket of GUESS_BURST, refilled at
 * GUESSES_PER_MINUTE), after which every lookup from it is refused for a while. With a hundred live sessions,
 * one address would need some 4.4 million guesses on average, about four years at that rate, to hit one. Per instance: a
 * cluster multiplies it by the instance count, which changes nothing in practice.
 */
import { errors } from '../engine/errors'
import { TokenBucket } from '../socket/rate-limit'

export const GUESSES_PER_MINUTE = 2
export const GUESS_BURST = 20
/** Addresses remembered at most (the oldest are forgotten first). */
const MAX_ADDRESSES = 10_000

export class CodeGuard {
  private readonly buckets = new Map<string, TokenBucket>()

  /** Runs a lookup for `from`; a miss (E_UNKNOWN_SESSION) costs a token, and with none left it is refused before it runs. */
  async lookup<T>(from: string, fn: () => Promise<T>): Promise<T> {
    const bucket = this.buckets.get(from)
    if (bucket && bucket.available() < 1) throw errors.tooMany('Too many wrong session codes from here; wait a minute and check the code with your host.')
    try {
      return await fn()
    } catch (err) {
      if ((err as { code?: string }).code === 'E_UNKNOWN_SESSION') this.bucketFor(from).take()
      throw err
    }
  }

  private bucketFor(from: string): TokenBucket {
    let bucket = this.buckets.get(from)
    if (!bucket) {
      if (this.buckets.size >= MAX_ADDRESSES) this.buckets.delete(this.buckets.keys().next().value!)
      bucket = new TokenBucket(GUESSES_PER_MINUTE / 60, GUESS_BURST)
      this.buckets.set(from, bucket)
    }
    return bucket
  }
}
