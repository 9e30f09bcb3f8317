/**
 * A realistic read load as data: which key each read asks for, drawn from a Zipf distribution over users and
 * posts (a few are read all the time, most hardly ever), from a seeded generator, so a cold run and a warmed
 * run replay exactly the same reads in the same order. Pure: no Redis, no database.
 */

/** One read of the load: a user by id, or a post by id. */
export interface Pick {
  entity: 'user' | 'post'
  id: number
}

export interface ZipfPlanOptions {
  /** How many reads. */
  reads: number
  seed: number
  /** User ids from most to least read (user 1 is the most popular). */
  users: readonly number[]
  /** Post ids from most to least read: the most liked first. */
  posts: readonly number[]
  /** Zipf exponent: rank r is read in proportion to 1 / r^s. */
  s?: number
  /** Share of reads that ask for a user (the rest ask for a post). */
  userShare?: number
}

/** mulberry32: a small, fast, seeded generator of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The cumulative Zipf weights of ranks 1..n, normalised to end at 1. */
export function zipfCdf(n: number, s: number): Float64Array {
  const cdf = new Float64Array(n)
  let total = 0
  for (let r = 1; r <= n; r++) {
    total += 1 / Math.pow(r, s)
    cdf[r - 1] = total
  }
  for (let i = 0; i < n; i++) cdf[i]! /= total
  return cdf
}

/** The 0-based rank a uniform number `u` in [0, 1) falls on (binary search over the CDF). */
export function rankOf(cdf: Float64Array, u: number): number {
  let lo = 0
  let hi = cdf.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (u < cdf[mid]!) hi = mid
    else lo = mid + 1
  }
  return lo
}

/** The share of reads the top `k` ranks of a Zipf(s) over `n` get: what warming the top k can hit at best. */
export function zipfHeadShare(n: number, s: number, k: number): number {
  if (n <= 0) return 0
  return zipfCdf(n, s)[Math.min(n, Math.max(1, k)) - 1]!
}

/** The reads of one run of the load, in order. Same options, same reads. */
export function zipfPlan(o: ZipfPlanOptions): Pick[] {
  const s = o.s ?? 1
  const userShare = o.userShare ?? 0.4
  const random = seededRandom(o.seed)
  const userCdf = zipfCdf(o.users.length, s)
  const postCdf = zipfCdf(o.posts.length, s)
  const plan: Pick[] = []
  for (let i = 0; i < o.reads; i++) {
    const user = random() < userShare
    const u = random()
    plan.push(
      user
        ? { entity: 'user', id: o.users[rankOf(userCdf, u)]! }
        : { entity: 'post', id: o.posts[rankOf(postCdf, u)]! },
    )
  }
  return plan
}
