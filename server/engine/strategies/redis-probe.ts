/**
 * A probe: another client of the same Redis, timing PINGs while something else runs. Redis runs one command
 * at a time, so a PING that arrives while a long command runs waits for it to finish: the PING's round trip
 * is how long every other client of the server was held up.
 *
 * The probe runs in a thread of its own (probe-worker.mjs) with its own connection, so what it measures is
 * Redis, not this process's main thread, which is busy handling the very replies the probed command sends
 * back. One thread serves every room of the process; it does not keep the process alive.
 */
import { Worker } from 'node:worker_threads'
import type { Redis } from 'ioredis'
import { projectFile } from '../../paths'

export interface Probed<T> {
  result: T
  /** Each PING's round trip in ms, in the order they were sent (at most eight). */
  probes: number[]
}

interface Session {
  resolve(probes: number[]): void
}

let worker: Worker | undefined
let nextId = 0
const sessions = new Map<number, Session>()

/** The connection options the probe's thread needs to reach the same Redis (plain data only). */
function connectionOf(base: Redis) {
  const o = base.options
  return {
    host: o.host,
    port: o.port,
    path: o.path,
    db: o.db,
    username: o.username,
    password: o.password,
    tls: o.tls,
    connectionName: 'cachelab:probe',
  }
}

function probeWorker(base: Redis): Worker {
  if (worker) return worker
  const w = new Worker(projectFile('server/engine/strategies/probe-worker.mjs'), { workerData: connectionOf(base) })
  w.unref()
  w.on('message', (msg: { id: number; probes: number[] }) => {
    const s = sessions.get(msg.id)
    sessions.delete(msg.id)
    s?.resolve(msg.probes)
  })
  const gone = () => {
    if (worker === w) worker = undefined
    for (const [id, s] of sessions) {
      sessions.delete(id)
      s.resolve([])
    }
  }
  w.on('error', gone)
  w.on('exit', gone)
  worker = w
  return w
}

export class Prober {
  constructor(private readonly base: Redis) {}

  /**
   * Runs `op` while the probe's thread PINGs Redis, one PING after another until `op` is done. The first
   * PING leaves once `op`'s command has gone out (the command connection sends its batch on the next tick),
   * so it reaches Redis while the command runs, if it runs long enough to be caught. A probe that cannot
   * run (no thread, Redis refusing it) yields no figures; the operation runs all the same.
   */
  async during<T>(op: () => Promise<T>): Promise<Probed<T>> {
    let w: Worker
    try {
      w = probeWorker(this.base)
    } catch {
      return { result: await op(), probes: [] }
    }
    const id = ++nextId
    const probes = new Promise<number[]>((resolve) => sessions.set(id, { resolve }))
    const running = op()
    await new Promise((r) => setImmediate(r))
    w.postMessage({ start: id })
    let result: T
    try {
      result = await running
    } finally {
      w.postMessage({ stop: id })
    }
    return { result, probes: await probes }
  }
}
