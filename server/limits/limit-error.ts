/**
 * The answer when a limit is reached: 429 when it is the visitor's own (too many requests or rooms from their
 * address), 503 when the instance is full (every visitor gets it). The message says which limit and when to
 * try again; `retryAfterS` becomes the Retry-After header.
 */
import { LabError } from '../engine/errors'

export class LimitError extends LabError {
  constructor(
    code: 'E_LIMIT' | 'E_FULL',
    message: string,
    readonly retryAfterS: number,
  ) {
    super(code, code === 'E_FULL' ? 503 : 429, `${message} Try again in ${retryAfterS} s.`)
  }
}

export const limitErrors = {
  /** The visitor's address used up one of its own limits. */
  yours: (what: string, retryAfterS: number) => new LimitError('E_LIMIT', what, retryAfterS),
  /** The instance is at one of its limits: nobody can have more until something is freed. */
  full: (what: string, retryAfterS: number) => new LimitError('E_FULL', what, retryAfterS),
}
