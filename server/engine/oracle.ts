/**
 * The consistency oracle. Cached values carry their row's version; the oracle knows the version the
 * database holds now (from every write the engine commits and every row it reads) and since when each
 * version has been current. A read that serves an older version than the database holds is a stale read,
 * and the stale window is measured from the moment the database moved past the served version.
 *
 * Writes made outside the engine (psql against a PostgreSQL server) are not seen until the engine next
 * reads the row.
 */
const HISTORY = 32

interface Truth {
  version: number
  /** When each recent version became current (ms since the epoch), oldest first. */
  history: { version: number; at: number }[]
}

export type ReadVerdict = { stale: false } | { stale: true; truth: number; staleForMs: number }

export class Oracle {
  private truths = new Map<string, Truth>()

  /** The database committed `version` of an entity at `at`. */
  committed(entity: string, version: number, at: number): void {
    const t = this.truths.get(entity)
    if (!t) {
      this.truths.set(entity, { version, history: [{ version, at }] })
      return
    }
    if (version <= t.version) return
    t.version = version
    t.history.push({ version, at })
    if (t.history.length > HISTORY) t.history.shift()
  }

  /**
   * The engine read `version` of an entity from the database. A version it has not seen committed became
   * current at some unknown earlier time; `at` (the read) is the latest it can have been.
   */
  observed(entity: string, version: number, at: number): void {
    this.committed(entity, version, at)
  }

  truth(entity: string): number | undefined {
    return this.truths.get(entity)?.version
  }

  /** Since when the database has held a newer version than `cached`; null if `cached` is current. */
  staleSince(entity: string, cached: number): number | null {
    const t = this.truths.get(entity)
    if (!t || cached >= t.version) return null
    const next = t.history.find((h) => h.version > cached)
    return next?.at ?? t.history[0]?.at ?? null
  }

  /**
   * The version the database holds, if `served` is newer than it: a value the database has not committed
   * (written to the cache before a write that failed, or has not finished). Undefined otherwise.
   */
  uncommitted(entity: string, served: number): number | undefined {
    const t = this.truths.get(entity)
    return t && served > t.version ? t.version : undefined
  }

  /** Judges a read that served `served` at time `at`. */
  judge(entity: string, served: number, at: number): ReadVerdict {
    const t = this.truths.get(entity)
    if (!t || served >= t.version) return { stale: false }
    const since = this.staleSince(entity, served) ?? at
    return { stale: true, truth: t.version, staleForMs: Math.max(0, at - since) }
  }

  forget(): void {
    this.truths.clear()
  }
}
