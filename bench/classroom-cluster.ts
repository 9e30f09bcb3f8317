/**
 * Classroom across two instances: 1000 participants joined through a round-robin balancer to two app
 * instances (CLUSTER=true, one Redis, one PostgreSQL), while the lab emits 1000 events a second for 10 s on
 * the instance that owns the room. The other instance's participants get the events through socket.io's
 * Redis Streams adapter, as they would behind a real balancer. Same targets as one instance: no sequence
 * gaps, p99 delivery ≤ 100 ms.
 *
 * The owner runs in this process (the lab is driven on its engine, the participants' threads beside it);
 * the second instance is a child process (classroom-instance.ts). The balancer (BENCH_CLASS_BALANCER):
 *   handoff (default)  accepts each connection and hands the socket itself to the next instance in turn, as
 *                      Node's cluster module does: after the handshake no byte passes through it
 *   proxy              scripts/balance.mjs, the README's round-robin TCP proxy: every byte crosses it twice
 *
 * Needs PostgreSQL: DATABASE_URL (postgres://postgres@127.0.0.1:5432/test). Knobs as classroom.ts, with
 * BENCH_CLASS_CLIENTS defaulting to 1000.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process'
import type { Server as HttpServer } from 'node:http'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ROOT, startApp } from '../server/app'
import { resolveConfig } from '../server/config'
import { setLogLevel } from '../server/log'
import { REDIS_URL } from './app'
import { isMain, runStandalone, type Bench } from './bench'
import { classroomKnobs, createSession, measureClassroom } from './classroom-run'
import { cleanUp, onCleanup } from './cleanup'
import type { Reporter } from './report'

const knobs = classroomKnobs(1000)
const BALANCER = process.env.BENCH_CLASS_BALANCER === 'proxy' ? 'proxy' : 'handoff'
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export const classroomCluster: Bench = {
  id: 'classroom-cluster',
  summary: `${knobs.clients} participants over two instances behind a balancer (${BALANCER}) while the lab emits ${knobs.rate} events/s: no gaps, p99 delivery`,
  async run(report: Reporter) {
    try {
      // Not startBenchApp: its clean-up of rooms left in the bench's own database would, in a shared
      // PostgreSQL, destroy other people's rooms. The instances' own start-up sweep only takes rooms Redis no
      // longer knows.
      // A channel of their own: other clusters on a shared Redis (tests, another bench) would otherwise join
      // this one, receive its broadcasts, and hold up every cross-instance call (fetchSockets waits for all).
      const CLUSTER_CHANNEL = `cachelab:bench:${process.pid}:socket.io`
      const env = { PORT: '0', REDIS_URL, DATABASE_URL, CLUSTER: 'true', CLUSTER_CHANNEL, NODE_ENV: 'production', LOG_LEVEL: 'warn' }
      setLogLevel('warn')
      const owner = await startApp({ config: resolveConfig(env), next: false })
      onCleanup(() => owner.close())
      // The adapter leaves its stream behind (removed before the owner closes; it is this run's own key).
      onCleanup(() => owner.redis.command.del(CLUSTER_CHANNEL))
      const other = await startInstance(env)
      const balancer = BALANCER === 'proxy' ? await startProxy([owner.port, other.port]) : await startHandoff(owner.http, other.child)
      report.note(`instances on :${owner.port} (owner, in this process) and :${other.port}; ${BALANCER} balancer on :${balancer}`)

      const { code, room } = await createSession(owner.url)
      onCleanup(async () => {
        await owner.sessions.remove(code)
        await owner.engine.rooms.destroy(room)
      })
      await measureClassroom(report, { owner, url: `http://127.0.0.1:${balancer}`, code, room, ...knobs })
    } finally {
      // The session, its room, both instances and the balancer go before the next bench starts.
      await cleanUp()
    }
  },
}

/** The second instance, in a child process; resolves with its port once it serves. */
async function startInstance(env: Record<string, string>): Promise<{ port: number; child: ChildProcess }> {
  const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'classroom-instance.ts')
  const child = fork(entry, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, BENCH_INSTANCE_ENV: JSON.stringify(env) }, cwd: ROOT })
  ownChild(child)
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (msg: { type: string; port: number }) => (msg.type === 'ready' ? resolve(msg.port) : reject(new Error('instance did not start'))))
    child.once('exit', (code) => reject(new Error(`the second instance exited (${code}) before it served`)))
  })
  return { port, child }
}

/** Round robin by handing each accepted socket to an instance (in this process, or the child's). */
async function startHandoff(local: HttpServer, child: ChildProcess): Promise<number> {
  let next = 0
  const server = net.createServer({ pauseOnConnect: true }, (socket) => {
    if (next++ % 2 === 0) {
      local.emit('connection', socket)
      socket.resume()
    } else {
      child.send({ type: 'connection' }, socket)
    }
  })
  onCleanup(() => new Promise((resolve) => server.close(resolve)))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as net.AddressInfo).port
}

/** scripts/balance.mjs on a free port, in front of the given instances. */
async function startProxy(ports: number[]): Promise<number> {
  const port = await freePort()
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'balance.mjs'), String(port), ...ports.map(String)], { stdio: ['ignore', 'pipe', 'inherit'] })
  ownChild(child)
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('balancing') && resolve())
    child.once('exit', (code) => reject(new Error(`the balancer exited (${code})`)))
  })
  return port
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
    s.once('error', reject)
  })
}

/** Stops the child at clean-up, and in any case when this process exits (a crash must not leave it serving). */
function ownChild(child: ChildProcess): void {
  const kill = () => child.kill('SIGKILL')
  process.once('exit', kill)
  child.once('exit', () => process.off('exit', kill))
  onCleanup(() => stopChild(child))
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

if (isMain(import.meta.url)) await runStandalone(classroomCluster)
