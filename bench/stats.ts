/** Small statistics for bench samples. */

/** The p-th percentile (0–100) by nearest rank; NaN for no samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  )
}

export function sortNumbers(values: Iterable<number>): number[] {
  return [...values].sort((a, b) => a - b)
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
