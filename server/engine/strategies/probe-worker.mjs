/**
 * The probe's own thread: another client of Redis, on its own connection and its own event loop, so the
 * time it measures is Redis's (and the network's), never the app's main thread being busy with something
 * else. Plain JavaScript, so it loads the same way under tsx, vitest and node.
 *
 * Messages in:  { start: id }  PING back to back (at most 8 times) until { stop: id } arrives
 * Messages out: { id, probes: [ms, …] } once the session is over; { id, error } if Redis failed
 */
import { parentPort, workerData } from 'node:worker_threads'
import { Redis } from 'ioredis'

const MAX_PROBES = 8
const redis = new Redis({ ...workerData, enableAutoPipelining: false, lazyConnect: true, maxRetriesPerRequest: 1 })
redis.on('error', () => {})
const ready = redis.connect()
const stopped = new Set()

parentPort.on('message', async (msg) => {
  if (msg.stop !== undefined) {
    stopped.add(msg.stop)
    return
  }
  const id = msg.start
  const probes = []
  try {
    await ready
    do {
      const started = performance.now()
      await redis.ping()
      probes.push(Math.round((performance.now() - started) * 100) / 100)
    } while (!stopped.has(id) && probes.length < MAX_PROBES)
    parentPort.postMessage({ id, probes })
  } catch (err) {
    parentPort.postMessage({ id, probes, error: String(err?.message ?? err) })
  } finally {
    stopped.delete(id)
  }
})
