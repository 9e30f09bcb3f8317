/**
 * An app server's in-process cache (L1): bounded (least recently used entries go first) and with a TTL, in
 * front of the shared Redis cache. It holds the value and the row version it carries, so the consistency
 * oracle can judge what it serves. Time is passed in, so the logic is testable without waiting.
 */
export interface L1Entry<T> {
  value: T
  version: number | undefined
  /** ms since the epoch. */
  expiresAt: number
}

export type L1Read<T> = { hit: true; entry: L1Entry<T> } | { hit: false; expired: boolean }

export class L1Cache<T = unknown> {
  private entries = new Map<string, L1Entry<T>>()

  constructor(
    readonly maxEntries: number,
    readonly ttlMs: number,
  ) {}

  get size(): number {
    return this.entries.size
  }

  /** A fresh entry (moved to most recently used), or a miss saying whether an expired one was dropped. */
  get(key: string, now: number): L1Read<T> {
    const entry = this.entries.get(key)
    if (!entry) return { hit: false, expired: false }
    this.entries.delete(key)
    if (entry.expiresAt <= now) return { hit: false, expired: true }
    this.entries.set(key, entry)
    return { hit: true, entry }
  }

  /** Stores a value; returns the keys evicted to stay within maxEntries (least recently used first). */
  set(key: string, value: T, version: number | undefined, now: number): string[] {
    this.entries.delete(key)
    this.entries.set(key, { value, version, expiresAt: now + this.ttlMs })
    const evicted: string[] = []
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string
      this.entries.delete(oldest)
      evicted.push(oldest)
    }
    return evicted
  }

  /** Drops a key; true if it was there. */
  drop(key: string): boolean {
    return this.entries.delete(key)
  }

  clear(): number {
    const n = this.entries.size
    this.entries.clear()
    return n
  }

  /** What the inspector shows: each live entry's version and time left. */
  snapshot(now: number): { key: string; version: number | undefined; ttlMs: number }[] {
    const out: { key: string; version: number | undefined; ttlMs: number }[] = []
    for (const [key, e] of this.entries) if (e.expiresAt > now) out.push({ key, version: e.version, ttlMs: e.expiresAt - now })
    return out
  }
}
