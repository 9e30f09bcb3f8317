/**
 * Requests per address on the API (`/api/*`, `/metrics`): every one of them reaches the engine, Redis or the
 * database, where a flood costs the most. Pages and static files are left to Next.js and a CDN; a class
 * loading the site at once behind one NAT address would otherwise be the first to be refused.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { sendError } from '../api/http'
import { clientAddress } from './address'
import { KeyedBuckets, type BucketLimit } from './keyed-buckets'
import { limitErrors } from './limit-error'

export function httpRateLimit(limit: BucketLimit, prefixes: readonly string[]) {
  const buckets = new KeyedBuckets(limit)
  const limited = (url: string) => prefixes.some((p) => url === p || url.startsWith(`${p}/`) || url.startsWith(`${p}?`))
  /** Answers 429 (and returns true) when the request's address has no requests left. */
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!limited(req.url ?? '/')) return false
    const wait = buckets.take(clientAddress(req.socket.remoteAddress))
    if (wait === 0) return false
    sendError(
      res,
      limitErrors.yours(`Too many requests from your address: the API takes ${limit.rate} a second (${limit.burst} at once).`, wait),
    )
    return true
  }
}
