/**
 * How long Redis itself spent running one command, from its own counters (INFO commandstats), so a lesson
 * about a command that blocks the server reads Redis's clock, not a race between two clients: a PING sent
 * from another connection only shows the block if it happens to arrive while the command runs, which a
 * loaded machine can make it miss.
 */
import type { Redis } from 'ioredis'

export interface CommandTally {
  calls: number
  usec: number
}

/** `cmdstat_<name>:calls=…,usec=…` from INFO commandstats (pure); zeros when the command never ran. */
export function parseCommandStat(info: string, name: string): CommandTally {
  const line = info.split(/\r?\n/).find((l) => l.startsWith(`cmdstat_${name.toLowerCase()}:`))
  const field = (f: string) => Number(line?.match(new RegExp(`(?:^|[:,])${f}=(\\d+)`))?.[1] ?? 0)
  return { calls: field('calls'), usec: field('usec') }
}

export async function commandTally(redis: Redis, name: string): Promise<CommandTally> {
  return parseCommandStat(String(await redis.info('commandstats')), name)
}

/** The time SLOWLOG recorded for the newest call of exactly `args` (a command slower than its threshold). */
export async function slowlogMs(redis: Redis, args: string[]): Promise<number | undefined> {
  const entries = (await redis.call('SLOWLOG', 'GET', '32')) as unknown[]
  for (const entry of entries) {
    if (!Array.isArray(entry)) continue
    const [, , usec, logged] = entry as [unknown, unknown, unknown, unknown]
    const same =
      Array.isArray(logged) &&
      logged.length === args.length &&
      logged.every((a, i) => String(a).toLowerCase() === args[i]!.toLowerCase())
    if (same && typeof usec === 'number') return usec / 1000
  }
  return undefined
}

/**
 * Runs `op`, which sends the command `args` once, and answers how many ms Redis spent in that call: the
 * growth of the command's total time when exactly one call of it ran meanwhile on the whole server; if
 * another client ran the same command at that moment, the SLOWLOG entry of this call (it is there when the
 * call was slower than the server's threshold, 10 ms by default); otherwise undefined.
 */
export async function timedByRedis<T>(
  redis: Redis,
  args: string[],
  op: () => Promise<T>,
): Promise<{ result: T; redisMs: number | undefined }> {
  const name = args[0]!
  const before = await commandTally(redis, name)
  const result = await op()
  const after = await commandTally(redis, name)
  const redisMs =
    after.calls - before.calls === 1 ? (after.usec - before.usec) / 1000 : await slowlogMs(redis, args)
  return { result, redisMs }
}
