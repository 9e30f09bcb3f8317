import { describe, expect, it } from 'vitest'
import { burstPlan, burstWorstMs, runBurst } from './burst'

describe('burstPlan', () => {
  it('sends request i to user 1 + i mod users and makes every round(1 / readRatio)-th a read', () => {
    const plan = burstPlan(10, 3, 0.25)
    expect(plan.map((op) => op.userId)).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3, 1])
    expect(plan.map((op) => op.kind[0]).join('')).toBe('wwwrwwwrww')
  })

  it('has no reads at ratio 0 and one in two at 0.5', () => {
    expect(burstPlan(6, 2, 0).every((op) => op.kind === 'write')).toBe(true)
    expect(burstPlan(6, 2, 0.5).map((op) => op.kind[0]).join('')).toBe('wrwrwr')
  })

  it('is the lab button plan: 45 writes and 5 reads, all reads on user 5', () => {
    const plan = burstPlan(50, 5, 0.1)
    const reads = plan.filter((op) => op.kind === 'read')
    expect([plan.length - reads.length, reads.length]).toEqual([45, 5])
    expect(new Set(reads.map((op) => op.userId))).toEqual(new Set([5]))
  })
})

describe('runBurst', () => {
  it("runs each user's requests in plan order, one at a time, and users side by side", async () => {
    const plan = burstPlan(12, 3, 1 / 3)
    const ran: number[] = []
    const running = new Set<number>()
    let maxTogether = 0
    const done = await runBurst(
      plan,
      async (op) => {
        expect(running.has(op.userId)).toBe(false)
        running.add(op.userId)
        maxTogether = Math.max(maxTogether, running.size)
        ran.push(plan.indexOf(op))
        await new Promise((r) => setTimeout(r, 5))
        running.delete(op.userId)
      },
      () => false,
    )
    expect(done).toBe(12)
    for (const user of [1, 2, 3]) {
      const mine = ran.filter((i) => plan[i]!.userId === user)
      expect(mine).toEqual([...mine].sort((a, b) => a - b))
      expect(mine).toHaveLength(4)
    }
    expect(maxTogether).toBe(3)
  })

  it('counts a failed request as done and carries on', async () => {
    const done = await runBurst(burstPlan(4, 1, 0), async (op) => op.userId === 1 && Promise.reject(new Error('boom')), () => false)
    expect(done).toBe(4)
  })

  it('stops starting requests once cancelled', async () => {
    let started = 0
    let cancel = false
    const done = await runBurst(
      burstPlan(10, 1, 0),
      async () => {
        started += 1
        if (started === 3) cancel = true
      },
      () => cancel,
    )
    expect([started, done]).toEqual([3, 3])
  })
})

describe('burstWorstMs', () => {
  it("is the longest user's requests times the statements each may run times the latency of one", () => {
    // 50 requests over 5 users: 10 each.
    expect(burstWorstMs(burstPlan(50, 5, 0.1), 200, 1)).toBe(2000)
    expect(burstWorstMs(burstPlan(50, 5, 0.1), 200, 2)).toBe(4000)
    // 7 over 3 users: user 1 has 3.
    expect(burstWorstMs(burstPlan(7, 3, 0), 100, 1)).toBe(300)
    expect(burstWorstMs([], 100, 1)).toBe(0)
  })
})
