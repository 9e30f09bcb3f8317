/**
 * Wrong host secrets, held back per client address and per session, so a brute force on one session is slowed
 * even when it comes from many addresses. Only failures are counted and only failures are refused: the host
 * presenting the right secret is let in whatever anyone else has tried (SessionStore.checkHost checks the
 * secret first). A secret is 48 hex digits (192 bits), so no rate makes guessing it feasible; the limits keep
 * each attempt cheap for the server and make an attack visible in the log.
 *
 * Per address: SECRET_BURST_PER_ADDRESS, then SECRETS_PER_MINUTE_PER_ADDRESS. A real host only sends a wrong
 * secret from a browser that kept one from an older session, once per reconnect.
 * Per session: SECRET_BURST_PER_SESSION, then SECRETS_PER_MINUTE_PER_SESSION, from everyone together.
 * Kept per instance, in memory, like CodeGuard.
 */
import { logger } from '../log'
import { KeyedBuckets, perMinute } from '../limits/keyed-buckets'

export const SECRET_BURST_PER_ADDRESS = 10
export const SECRETS_PER_MINUTE_PER_ADDRESS = 5
export const SECRET_BURST_PER_SESSION = 20
export const SECRETS_PER_MINUTE_PER_SESSION = 10

const log = logger('session')

export class SecretGuard {
  private readonly byAddress = new KeyedBuckets(perMinute(SECRETS_PER_MINUTE_PER_ADDRESS, SECRET_BURST_PER_ADDRESS))
  private readonly bySession = new KeyedBuckets(perMinute(SECRETS_PER_MINUTE_PER_SESSION, SECRET_BURST_PER_SESSION))

  /** Whether a failed host check from `from` (when known) on `code` must now be refused outright. */
  exhausted(code: string, from: string | undefined): boolean {
    return this.bySession.empty(code) || (from !== undefined && this.byAddress.empty(from))
  }

  /** Counts a wrong secret for `code` from `from`. */
  wrong(code: string, from: string | undefined): void {
    if (from !== undefined) this.byAddress.spend(from)
    this.bySession.spend(code)
    if (this.bySession.empty(code))
      log.warn(`session ${code}: wrong host secrets are being refused (${SECRET_BURST_PER_SESSION} failed)`)
  }
}
