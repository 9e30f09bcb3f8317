/**
 * Who may use a room over HTTP. A visitor's private room: whoever holds its id (unguessable, 62 bits, given
 * only to the browser that made it). A classroom's room: only its host, who sends the host secret in
 * `x-host-secret`; participants use the room through their socket, where joining the session is the proof.
 *
 * Answered from the classroom marks (the database, remembered per process), never from Redis, so it holds
 * during a Redis outage. A refusal says only what the caller must send: not the session's code, nor whether
 * that session still runs.
 */
import { errors } from '../engine/errors'
import type { ClassroomMarks } from '../sessions/classroom-marks'
import { secretMatches } from '../sessions/host-secret'
import type { SecretGuard } from '../sessions/secret-guard'

/**
 * `guard`: wrong secrets are counted there (per address and per session, in memory) and refused E_LIMIT once
 * either budget is spent; the right secret is checked first, so the host is never held back by others.
 */
export async function checkRoomAccess(
  marks: ClassroomMarks,
  room: string,
  secret: string | string[] | undefined,
  guard?: { secrets: SecretGuard; from: string | undefined },
): Promise<void> {
  const mark = await marks.of(room)
  if (!mark) return
  if (typeof secret !== 'string' || secret.length === 0) {
    throw errors.forbidden("This room is a classroom's: over HTTP only its host can use it (send the host secret in x-host-secret).")
  }
  if (secretMatches(mark.hostHash, secret)) return
  if (guard?.secrets.exhausted(mark.code, guard.from)) {
    throw errors.tooMany('Too many wrong host secrets from this address, or for this room; wait a minute. The host’s own secret is not held back.')
  }
  guard?.secrets.wrong(mark.code, guard.from)
  throw errors.forbidden("The x-host-secret given is not this room's host secret.")
}
