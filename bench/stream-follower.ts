/**
 * A worker thread that follows rooms' event streams with XREAD BLOCK on its own connection and event loop,
 * and posts each `set` and `expired` event with the wall-clock time XREAD returned it. Running apart from
 * the engine's thread keeps the timestamps honest: a busy engine cannot delay the moment an entry is seen.
 */
import { parentPort, Worker, workerData } from 'node:worker_threads'
import { Redis } from 'ioredis'
import type { LabEvent } from '../lib/events'

export interface FollowerInput {
  redisUrl: string
  streams: string[]
  /** Read entries after these ids (one per stream). */
  after: string[]
}

export interface SeenEvent {
  stream: string
  key: string
  kind: 'set' | 'expired'
  /** The event's own time (the engine's clock: performance.timeOrigin + performance.now()). */
  time: number
  ttlMs?: number | null
  lateMs?: number
  /** Date.now() when XREAD returned the entry. */
  arrival: number
}

type StreamReply = [key: string, entries: [id: string, fields: string[]][]][]

/** Starts the follower; `onEvents` gets each batch; the returned stop() ends it. Throws if the worker fails. */
export function followStreams(
  input: FollowerInput,
  onEvents: (events: SeenEvent[]) => void,
): { stop(): Promise<void> } {
  // A worker does not inherit tsx's hooks for its entry module, so it registers them before importing this file.
  const tsx = import.meta.resolve('tsx/esm/api')
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}) })`
  const worker = new Worker(boot, { eval: true, workerData: input })
  let failure: Error | undefined
  worker.on('message', (events: SeenEvent[]) => onEvents(events))
  worker.on('error', (err) => (failure = err))
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
  return {
    async stop() {
      worker.postMessage('stop')
      await exited
      if (failure) throw new Error(`stream follower failed: ${failure.message}`)
    },
  }
}

async function follow(input: FollowerInput): Promise<void> {
  const redis = new Redis(input.redisUrl, { connectionName: 'bench:follower' })
  const ids = [...input.after]
  let stop = false
  parentPort!.on('message', () => (stop = true))
  while (!stop) {
    const reply = (await redis.xread(
      'COUNT',
      5000,
      'BLOCK',
      50,
      'STREAMS',
      ...input.streams,
      ...ids,
    )) as StreamReply | null
    const arrival = Date.now()
    const seen: SeenEvent[] = []
    for (const [stream, entries] of reply ?? []) {
      const i = input.streams.indexOf(stream)
      for (const [id, fields] of entries) {
        ids[i] = id
        for (const e of JSON.parse(fields[fields.indexOf('e') + 1] ?? '[]') as LabEvent[]) {
          if (!e.key) continue
          if (e.kind === 'set')
            seen.push({ stream, key: e.key, kind: 'set', time: e.time, ttlMs: e.data.ttlMs, arrival })
          if (e.kind === 'expired')
            seen.push({ stream, key: e.key, kind: 'expired', time: e.time, lateMs: e.data.lateMs, arrival })
        }
      }
    }
    if (seen.length > 0) parentPort!.postMessage(seen)
  }
  redis.disconnect()
  parentPort!.close()
}

if (parentPort && (workerData as FollowerInput | undefined)?.streams) await follow(workerData as FollowerInput)
