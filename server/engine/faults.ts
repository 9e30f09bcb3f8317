/**
 * Faults a learner can arm in a room, each for the next N operations of its kind:
 * - `db-write`: the next database write fails. It really runs, inside a transaction that the database then
 *   aborts with a serialization failure (SQLSTATE 40001, what a busy Postgres really returns), so nothing
 *   is committed and the app sees a genuine database error.
 * - `cache-write`: the next cache write (SET, DEL, UNLINK, EXPIRE, a script) is sent on a Redis connection
 *   that is down, and fails the way it does in an outage.
 */
export const FAULTS = ['db-write', 'cache-write'] as const
export type FaultName = (typeof FAULTS)[number]

export class RoomFaults {
  private armed = new Map<FaultName, number>()

  constructor(private readonly onChange: (name: FaultName, remaining: number, triggered: boolean) => void) {}

  arm(name: FaultName, times = 1): void {
    this.armed.set(name, times)
    this.onChange(name, times, false)
  }

  disarm(name: FaultName): void {
    if (!this.armed.has(name)) return
    this.armed.delete(name)
    this.onChange(name, 0, false)
  }

  /** Consumes one armed occurrence: true if this operation must fail. */
  take(name: FaultName): boolean {
    const left = this.armed.get(name)
    if (!left) return false
    if (left <= 1) this.armed.delete(name)
    else this.armed.set(name, left - 1)
    this.onChange(name, left - 1, true)
    return true
  }

  remaining(name: FaultName): number {
    return this.armed.get(name) ?? 0
  }

  clear(): void {
    for (const name of [...this.armed.keys()]) this.disarm(name)
  }
}
