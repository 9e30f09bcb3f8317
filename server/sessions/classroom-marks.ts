/**
 * Which rooms are classrooms', and the hash of each one's host secret, kept in the database. Who may use a
 * room is then answered without Redis (the lab teaches that an outage of the cache must not stop the app),
 * and a classroom's room stays closed after its session's Redis keys expired: its events name participants.
 *
 * Answers are remembered per process: a room is marked once, right after it is made and before its id is
 * given to anyone, and the mark never changes, so neither "marked" nor "not marked" can go stale.
 */
import type { Database } from '../db/database'
import { errors } from '../engine/errors'

/** Rooms remembered at most (the oldest are forgotten first and asked of the database again). */
const MAX_REMEMBERED = 20_000

export interface ClassroomMark {
  code: string
  hostHash: string
}

export class ClassroomMarks {
  private readonly known = new Map<string, ClassroomMark | null>()

  constructor(private readonly db: Database) {}

  async mark(room: string, mark: ClassroomMark): Promise<void> {
    await this.db
      .query('INSERT INTO classrooms (room, code, host_hash) VALUES ($1, $2, $3) ON CONFLICT (room) DO NOTHING', [room, mark.code, mark.hostHash])
      .catch((err: unknown) => {
        throw errors.dbUnavailable(err)
      })
    this.remember(room, mark)
  }

  /** The room's classroom mark, or null for a room that is nobody's classroom (a visitor's private room). */
  async of(room: string): Promise<ClassroomMark | null> {
    const known = this.known.get(room)
    if (known !== undefined) return known
    const { rows } = await this.db
      .query<{ code: string; host_hash: string }>('SELECT code, host_hash FROM classrooms WHERE room = $1', [room])
      .catch((err: unknown) => {
        throw errors.dbUnavailable(err)
      })
    const mark = rows[0] ? { code: rows[0].code, hostHash: rows[0].host_hash } : null
    this.remember(room, mark)
    return mark
  }

  /** Forgets a room (cleaned up): a later question goes to the database again. */
  forget(room: string): void {
    this.known.delete(room)
  }

  private remember(room: string, mark: ClassroomMark | null): void {
    if (this.known.size >= MAX_REMEMBERED && !this.known.has(room)) this.known.delete(this.known.keys().next().value!)
    this.known.set(room, mark)
  }
}
