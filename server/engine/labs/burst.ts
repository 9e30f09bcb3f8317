/**
 * A write-heavy burst: a fixed plan of reads and writes spread over a few users, run one request at a time
 * per user (users in parallel), so what happens to each key is the same on every run.
 */
import { isWriteTick } from '../load'

export interface BurstOp {
  kind: 'read' | 'write'
  userId: number
}

/** Request i goes to user 1 + (i mod users); every round(1 / readRatio)-th request is a read, the rest writes. */
export function burstPlan(ops: number, users: number, readRatio: number): BurstOp[] {
  return Array.from({ length: ops }, (_, i) => ({
    kind: isWriteTick(i, readRatio) ? 'read' : 'write',
    userId: 1 + (i % users),
  }))
}

/**
 * The longest a burst can take: its longest run of one user's requests, each running up to
 * `statementsPerOp` statements that each wait up to `statementMs` (the database latency plus its jitter).
 */
export function burstWorstMs(plan: readonly BurstOp[], statementMs: number, statementsPerOp: number): number {
  const perUser = new Map<number, number>()
  for (const op of plan) perUser.set(op.userId, (perUser.get(op.userId) ?? 0) + 1)
  return Math.max(0, ...perUser.values()) * statementsPerOp * statementMs
}

/**
 * Runs the plan: each user's requests in plan order, one after the other; different users at the same time.
 * Stops starting requests once `cancelled()` says so.
 */
export async function runBurst(plan: readonly BurstOp[], run: (op: BurstOp) => Promise<unknown>, cancelled: () => boolean): Promise<number> {
  const byUser = new Map<number, BurstOp[]>()
  for (const op of plan) byUser.set(op.userId, [...(byUser.get(op.userId) ?? []), op])
  let done = 0
  await Promise.all(
    [...byUser.values()].map(async (ops) => {
      for (const op of ops) {
        if (cancelled()) return
        await run(op).catch(() => {}) // each request records its own failure
        done += 1
      }
    }),
  )
  return done
}
