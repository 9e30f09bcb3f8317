/**
 * Join codes are short enough to type (31^6 ≈ 887.5 million), so guessing them is held back here: each client
 * address gets GUESS_BURST "no such session" answers, refilled at GUESSES_PER_MINUTE; with none left, every
 * code lookup from it is refused before it runs (hit or miss alike, so a refusal tells nothing). Only misses
 * cost: people typing the right code never spend anything, and a code that is not even code-shaped (0, O, 1, I,
 * L, the wrong length) is refused by the schema before it gets here.
 *
 * Sized for a class behind one NAT address: 30 students who each mistype the code three times spend 90 of the
 * 100, which leaves the last of them their right code (a lookup is refused once the bucket is empty, right code
 * or not), and the bucket refills 6 a minute while the rest arrive. The burst is spent once; what bounds a
 * guesser is the rate, 6 a minute: with 100 live sessions a random code hits one in 887.5M / 100 ≈ 8.9 million
 * tries, about 2.8 years at that rate from one address (with 1000 live sessions, about 100 days). The count is
 * kept per instance, in memory; a cluster multiplies it by the instance count, which changes nothing in
 * practice. Host secrets are not checked here: a correct one is never refused, and wrong ones have their own
 * budget (SecretGuard).
 */
import { errors } from '../engine/errors'
import { KeyedBuckets, perMinute } from '../limits/keyed-buckets'

export const GUESSES_PER_MINUTE = 6
export const GUESS_BURST = 100

export class CodeGuard {
  private readonly misses = new KeyedBuckets(perMinute(GUESSES_PER_MINUTE, GUESS_BURST))

  /** Runs a lookup for `from`; a miss (E_UNKNOWN_SESSION) costs a token, and with none left it is refused before it runs. */
  async lookup<T>(from: string, fn: () => Promise<T>): Promise<T> {
    if (this.exhausted(from)) throw errors.tooMany('Too many wrong session codes from here; wait a minute and check the code with your host.')
    try {
      return await fn()
    } catch (err) {
      if ((err as { code?: string }).code === 'E_UNKNOWN_SESSION') this.miss(from)
      throw err
    }
  }

  /** Whether `from` has spent its wrong guesses. */
  exhausted(from: string): boolean {
    return this.misses.empty(from)
  }

  /** Counts a lookup of a code that does not exist. */
  miss(from: string): void {
    this.misses.spend(from)
  }
}
