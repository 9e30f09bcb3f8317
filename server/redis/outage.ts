/**
 * Tells a Redis outage from a bug. The request-path clients fail fast (see FAIL_FAST): while Redis is down or
 * frozen, a command is rejected by ioredis itself, with one of a few messages measured here (SIGKILL: "Stream
 * isn't writeable…" at once; SIGSTOP: MaxRetriesPerRequestError after the 2 s socket timeout, then "Stream
 * isn't writeable…"). Such an error is a known outage: callers turn it into a 503 that says Redis is
 * unreachable, in words, without the driver's text and without a stack trace in the log.
 */
const OUTAGE = /Stream isn't writeable|Connection is closed|Socket timeout|Command timed out|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|max retries per request/i

export function isRedisOutage(err: unknown): boolean {
  if (!(err instanceof Error)) return false
  return err.name === 'MaxRetriesPerRequestError' || OUTAGE.test(err.message)
}

/** A Redis failure in words for a person: what is wrong, never the driver's own text. */
export function redisFailureInWords(err: unknown): string {
  if (!isRedisOutage(err)) return 'Redis refused the command'
  const message = err instanceof Error ? err.message : ''
  return /Socket timeout|Command timed out|ETIMEDOUT|max retries/i.test(message) || (err as Error).name === 'MaxRetriesPerRequestError'
    ? 'Redis is not answering'
    : 'Redis is unreachable: the connection is down'
}
