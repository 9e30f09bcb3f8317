/**
 * Errors with a stable code, an HTTP status and, where it helps, the key involved and the cause. The API and
 * the socket turn them into `{ error: { code, message, issues? } }`; anything else is a 500.
 */
import { redisFailureInWords } from '../redis/outage'

export class LabError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly extra: { key?: string; issues?: { path: string; message: string }[]; cause?: unknown } = {},
  ) {
    super(message, { cause: extra.cause })
  }
}

export const errors = {
  invalid: (message: string, issues?: { path: string; message: string }[]) =>
    new LabError('E_INVALID', 400, message, { issues }),
  unknownRoom: (room: string) =>
    new LabError('E_UNKNOWN_ROOM', 404, `No room "${room}": it may have been cleaned up after being idle. Create a new one.`),
  unknownLab: (lab: string, known: string[]) =>
    new LabError('E_UNKNOWN_LAB', 404, `No lab "${lab}". Labs: ${known.join(', ')}.`),
  unknownAction: (lab: string, action: string, known: string[]) =>
    new LabError('E_UNKNOWN_ACTION', 400, `Lab "${lab}" has no action "${action}". Actions: ${known.join(', ')}.`),
  unknownDemo: (lab: string, demo: string) => new LabError('E_UNKNOWN_DEMO', 400, `Lab "${lab}" has no demo "${demo}".`),
  busy: (message: string) => new LabError('E_BUSY', 409, message),
  cacheUnavailable: (key: string, cause: unknown) =>
    new LabError('E_CACHE_UNAVAILABLE', 503, `Redis did not answer for ${key}: ${redisFailureInWords(cause)}.`, {
      key,
      cause,
    }),
  /** Something that needs Redis (a classroom session, the key inspector) while Redis is down. */
  redisUnreachable: (what: string, cause?: unknown) =>
    new LabError(
      'E_CACHE_UNAVAILABLE',
      503,
      `${cause === undefined ? 'Redis is unreachable' : redisFailureInWords(cause)}, and ${what} needs it: try again once it is back (lab reads keep answering from the database).`,
      { cause },
    ),
  dbUnavailable: (cause: unknown) =>
    new LabError('E_DB_UNAVAILABLE', 503, `The database failed: ${dbFailureInWords(cause)}.`, { cause }),
  lockTimeout: (key: string, ms: number) =>
    new LabError('E_LOCK_TIMEOUT', 504, `Waited ${ms} ms for the lock or lease on ${key} and gave up`, { key }),
  tooMany: (message: string) => new LabError('E_LIMIT', 429, message),
  forbidden: (message: string) => new LabError('E_FORBIDDEN', 403, message),
  unknownSession: (code: string) =>
    new LabError('E_UNKNOWN_SESSION', 404, `No session with the code ${code}: check the code, or the session may have ended.`),
  elsewhere: (room: string) =>
    new LabError('E_ROOM_ELSEWHERE', 503, `Room ${room} is served by another server instance that cannot be reached from here.`),
}

/** zod issues as `{ path, message }`, the shape the API returns. */
export function issuesOf(error: { issues: { path: PropertyKey[]; message: string }[] }) {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }))
}

/** A database failure in words for a person (the driver's own text stays in `cause`, for the log). */
function dbFailureInWords(cause: unknown): string {
  const message = (cause as Error)?.message ?? String(cause)
  // A SQLSTATE the lab teaches about is named in words: a serialization failure is the lesson, not noise.
  const sqlState = (cause as { code?: unknown })?.code
  if (sqlState === '40001') return 'could not serialize the write against a concurrent one (SQLSTATE 40001, retry it)'
  if (sqlState === '42P01') return "the app's tables cannot be read"
  if (/timeout|timed out/i.test(message)) return 'it did not answer in time'
  if (/ECONNREFUSED|ECONNRESET|ENOTFOUND|EPIPE|terminat|connection|connect /i.test(message)) return 'it is unreachable'
  return 'a query failed in the database'
}
