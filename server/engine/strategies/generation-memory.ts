/**
 * What each cache generation holds in Redis, in Redis's own figures: MEMORY USAGE for every key of the
 * generation (the key, its value and Redis's bookkeeping for it), summed, and PTTL to tell keys that will
 * expire from keys that never will; plus INFO memory's used_memory for the whole server. One pipelined
 * round trip per measurement. MEMORY USAGE does not touch the key, so measuring never keeps a key alive
 * or changes what the lab shows.
 */
import type { Redis } from 'ioredis'
import type { GenerationFigures } from '../../../lib/labs/key-versioning'
import { versionedUserKey } from './versioned-keys'

/** One key's MEMORY USAGE (null: no such key) and PTTL (-1: no TTL, -2: no such key). */
export interface KeySample {
  bytes: number | null
  pttl: number
}

/** A generation's figures from its keys' samples (pure). */
export function summarize(version: number, samples: readonly KeySample[]): GenerationFigures {
  let keys = 0
  let bytes = 0
  let noTtl = 0
  let maxTtlMs: number | null = null
  for (const s of samples) {
    if (s.bytes === null || s.pttl === -2) continue
    keys += 1
    bytes += s.bytes
    if (s.pttl === -1) noTtl += 1
    else maxTtlMs = Math.max(maxTtlMs ?? 0, s.pttl)
  }
  return { version, keys, bytes, noTtl, maxTtlMs }
}

/** used_memory from the text of INFO memory (pure). */
export function parseUsedMemory(info: string): number | null {
  const m = /^used_memory:(\d+)\r?$/m.exec(info)
  return m ? Number(m[1]) : null
}

export interface Measurement {
  generations: GenerationFigures[]
  usedMemory: number | null
}

/** Measures generations `versions` over user ids 1..users, and the server's used_memory. */
export async function measureGenerations(
  redis: Redis,
  full: (key: string) => string,
  versions: readonly number[],
  users: number,
): Promise<Measurement> {
  const pipeline = redis.pipeline()
  for (const v of versions) {
    for (let id = 1; id <= users; id++) {
      const key = full(versionedUserKey(v, id))
      pipeline.memory('USAGE', key, 'SAMPLES', '0')
      pipeline.pttl(key)
    }
  }
  pipeline.info('memory')
  const replies = (await pipeline.exec()) ?? []
  const failed = replies.find(([err]) => err)
  if (failed) throw failed[0]
  const values = replies.map(([, v]) => v)
  const generations = versions.map((v, g) => {
    const samples: KeySample[] = []
    for (let i = 0; i < users; i++) {
      const at = (g * users + i) * 2
      samples.push({ bytes: values[at] as number | null, pttl: values[at + 1] as number })
    }
    return summarize(v, samples)
  })
  return { generations, usedMemory: parseUsedMemory(String(values.at(-1) ?? '')) }
}

/** A figure last recorded for the chart, and when. */
export interface Recorded {
  value: number
  at: number
}

/**
 * Which figures to record as `gauge` events (pure): a generation's figure whenever it changed, so the
 * chart's steps are exact without an event every second; used_memory, which moves with everything else
 * on the server, when it moved by 1% or every 10 s. `force` records everything (a measurement asked for).
 */
export function gaugesToRecord(
  last: ReadonlyMap<string, Recorded>,
  figures: readonly { name: string; value: number; noisy?: boolean }[],
  now: number,
  force = false,
): { name: string; value: number }[] {
  return figures.filter(({ name, value, noisy }) => {
    const prev = last.get(name)
    if (force || !prev) return true
    if (!noisy) return prev.value !== value
    return Math.abs(value - prev.value) >= prev.value * 0.01 || now - prev.at >= 10_000
  })
}
