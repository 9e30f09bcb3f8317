/**
 * A small repeating load: `rps` ticks a second, each starting one request without waiting for the last.
 * Ticks are skipped while too many are still running (a slow database must not pile up requests forever).
 */
export interface LoadOptions {
  rps: number
  tick(i: number): Promise<unknown>
  maxInFlight?: number
}

export function startLoad({ rps, tick, maxInFlight = 50 }: LoadOptions): () => void {
  let i = 0
  let inFlight = 0
  const timer = setInterval(() => {
    if (inFlight >= maxInFlight) return
    inFlight += 1
    tick(i++)
      .catch(() => {}) // each request records its own failure
      .finally(() => (inFlight -= 1))
  }, 1000 / rps)
  timer.unref()
  return () => clearInterval(timer)
}

/** Every round(1 / ratio)-th tick is a write: deterministic, so a demo's outcome does not depend on luck. */
export function isWriteTick(i: number, ratio: number): boolean {
  if (ratio <= 0) return false
  const every = Math.max(1, Math.round(1 / ratio))
  return i % every === every - 1
}
