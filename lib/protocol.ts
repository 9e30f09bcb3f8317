/**
 * The socket protocol between browser and server, typed for socket.io (`Server<ClientToServer,
 * ServerToClient>`). Every client message is validated on the server with these zod schemas; acks carry
 * either a result or an error that says what was wrong.
 */
import { z } from 'zod'
import { LIMITS } from './limits'
import type { LabEvent } from './events'
import { CODE_PATTERN, normaliseCode, type Presence, type SessionState } from './session'
import { textSchema } from './text'

export const RoomId = z.string().regex(/^[a-z0-9]{6,32}$/, 'a room id is 6 to 32 lowercase letters and digits')

export const JoinMessage = z.object({ room: RoomId })
export const ReplayMessage = z.object({
  room: RoomId,
  after: z.number().int().min(0),
  limit: z.number().int().min(1).max(LIMITS.replayPage).default(LIMITS.replayPage),
})
/** `{ lab, action, ...params }`, the same body the HTTP API takes. */
export const ActionMessage = z.looseObject({
  room: RoomId,
  lab: z.string().min(1).max(32),
  action: z.string().min(1).max(32),
})
export const InspectMessage = z.object({ room: RoomId })
/** A joined room's metrics, over the socket (a classroom's participants have no host secret for the HTTP API). */
export const MetricsMessage = z.object({ room: RoomId })

export const SessionCode = z
  .string()
  .transform(normaliseCode)
  .pipe(z.string().regex(CODE_PATTERN, 'a session code is 6 letters and digits, like KQ7-M3X'))
export const HostSecret = z.string().regex(/^[0-9a-f]{48}$/, 'not a host secret')
/** The id a session gives a participant, which their browser sends to come back as the same person. */
export const ParticipantId = z.string().regex(/^[0-9a-f]{24}$/, 'not a participant id')
export const HostMessage = z.object({ code: SessionCode, secret: HostSecret })
export const JoinSessionMessage = z.object({
  code: SessionCode,
  name: textSchema({ what: 'Display name', max: LIMITS.nameLength }),
  participant: ParticipantId.optional(),
})
/**
 * What a browser that was let into a session before sends when it looks the session up by code over HTTP
 * (headers `x-host-secret`, `x-participant`), so the code-guessing limit never holds it back.
 */
export const SessionProof = z.object({ secret: HostSecret.optional(), participant: ParticipantId.optional() })
const PollOptionMessage = z.object({
  label: textSchema({ what: 'A poll option', max: LIMITS.pollOptionLength }),
  min: z.number().int().min(0).optional(),
  max: z.number().int().min(0).optional(),
})
export const ControlMessage = z.object({ code: SessionCode, secret: z.string().regex(/^[0-9a-f]{48}$/) }).and(
  z.discriminatedUnion('op', [
    z.object({ op: z.literal('view'), lab: z.string().min(1).max(32), step: z.number().int().min(0).max(50) }),
    z.object({ op: z.literal('participation'), participation: z.enum(['watch', 'fire']) }),
    z.object({
      op: z.literal('poll-open'),
      question: textSchema({ what: 'The poll question', max: LIMITS.pollQuestionLength }),
      options: z.array(PollOptionMessage).min(2).max(LIMITS.pollOptions),
      metric: z.enum(['dbQueries', 'staleReads', 'misses', 'hits']).nullable().default(null),
    }),
    z.object({ op: z.literal('poll-close') }),
    z.object({ op: z.literal('poll-reveal') }),
    z.object({ op: z.literal('poll-clear') }),
    z.object({ op: z.literal('end') }),
  ]),
)
export const AnswerMessage = z.object({ code: SessionCode, option: z.number().int().min(0).max(LIMITS.pollOptions - 1) })
export const FireMessage = z.object({ code: SessionCode })

export interface ApiError {
  code: string
  message: string
  /** Field-level problems when the input did not validate. */
  issues?: { path: string; message: string }[]
}
export type Ack<T> = ({ ok: true } & T) | { ok: false; error: ApiError }

export interface RoomInfo {
  id: string
  prefix: string
  /** Highest sequence number recorded so far (0 when none). */
  lastSeq: number
  /** Lowest sequence number still held in the room's stream (older ones were trimmed). */
  firstSeq: number
  /** Each lab's current settings, by lab id. */
  labs: Record<string, unknown>
}

export interface ReplayResult {
  events: LabEvent[]
  /** The lowest sequence number still available; a caller asking for older ones gets a gap it can explain. */
  firstSeq: number
  lastSeq: number
}

export interface InspectedKey {
  key: string
  /** Redis type (string, hash …); only strings have a value and version. */
  type: string
  value: string | null
  version: number | null
  /** Remaining TTL in ms; null when the key has no TTL. */
  ttlMs: number | null
  /** The database's version of the row this key caches, when it caches one. */
  dbVersion: number | null
  /** Since when the cached version has been older than the database's (ms since the epoch), if it is. */
  staleSince: number | null
}
/** What one app server's in-process (L1) cache holds, for labs that run several app servers. */
export interface ServerL1 {
  id: string
  entries: { key: string; version: number | null; ttlMs: number }[]
}

export interface InspectResult {
  at: number
  keys: InspectedKey[]
  /** More keys exist than the inspector lists. */
  truncated: boolean
  /** Each app server's L1 cache, when the room's lab runs app servers. */
  servers?: ServerL1[]
}

/** A room's metrics (GET /api/rooms/:id/metrics). */
export interface MetricsSnapshot {
  requests: number
  hits: number
  misses: number
  /** hits / (hits + misses), null before the first read. */
  hitRatio: number | null
  dbQueries: number
  dbWrites: number
  dbErrors: number
  dbInFlight: number
  dbInFlightPeak: number
  staleReads: number
  /** Keys the app deleted or expired on purpose. */
  invalidations: number
  /** Expirations and evictions Redis reported. */
  expirations: number
  evictions: number
  cacheErrors: number
  /** Cache changes made from outside the app (redis-cli). */
  outsideOps: number
  latencyMs: { p50: number | null; p95: number | null; p99: number | null; count: number }
}

export interface ServiceStatus {
  redis: { ok: boolean; detail?: string }
  db: { ok: boolean; kind: 'pglite' | 'postgres'; detail?: string }
  /** Keyspace notifications: false when Redis refused CONFIG SET and expiries are the engine's guess. */
  notifications: boolean
}

export interface SessionJoined {
  session: SessionState
  room: RoomInfo
  /** The participant's own id (kept by the browser to come back as the same person) and name. */
  participant?: { id: string; name: string }
  presence: Presence
}

export interface ClientToServerEvents {
  'session:host': (msg: unknown, ack: (res: Ack<SessionJoined>) => void) => void
  'session:join': (msg: unknown, ack: (res: Ack<SessionJoined>) => void) => void
  'session:control': (msg: unknown, ack: (res: Ack<{ session: SessionState }>) => void) => void
  'session:answer': (msg: unknown, ack: (res: Ack<{ option: number }>) => void) => void
  'session:fire': (msg: unknown, ack: (res: Ack<{ sent: number }>) => void) => void
  'room:join': (msg: unknown, ack: (res: Ack<{ room: RoomInfo }>) => void) => void
  'events:replay': (msg: unknown, ack: (res: Ack<ReplayResult>) => void) => void
  action: (msg: unknown, ack: (res: Ack<{ result: unknown }>) => void) => void
  inspect: (msg: unknown, ack: (res: Ack<InspectResult>) => void) => void
  metrics: (msg: unknown, ack: (res: Ack<{ metrics: MetricsSnapshot }>) => void) => void
}

export interface ServerToClientEvents {
  'session:state': (state: SessionState) => void
  'session:presence': (presence: Presence) => void
  'events:batch': (batch: { room: string; events: LabEvent[] }) => void
  'lab:state': (state: { room: string; lab: string; state: unknown }) => void
  status: (status: ServiceStatus) => void
}
