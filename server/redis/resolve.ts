/**
 * Finds a Redis to use, in this order: REDIS_URL; else 127.0.0.1:6379 if it answers PING; else a private
 * redis-server child on a free port when the binary is installed (stopped with the app); else a RedisNotFound
 * error whose message says how to get one.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { logger } from '../log'

const log = logger('redis')

export interface ResolvedRedis {
  url: string
  source: 'env' | 'local' | 'spawned'
  /** Stops the spawned redis-server, if there is one. */
  stop(): Promise<void>
}

export class RedisNotFound extends Error {
  readonly code = 'E_REDIS_NOT_FOUND'
}

const noop = async () => {}

export interface ResolveOptions {
  /** Where to look for a local Redis (default 127.0.0.1:6379). */
  localPort?: number
  /** The binary to spawn when there is none (default redis-server, looked up on PATH). */
  binary?: string
}

export async function resolveRedis(redisUrl: string | undefined, opts: ResolveOptions = {}): Promise<ResolvedRedis> {
  if (redisUrl) return { url: redisUrl, source: 'env', stop: noop }
  const port = opts.localPort ?? 6379
  const local = await ping('127.0.0.1', port, 500)
  if (local === 'pong') return { url: `redis://127.0.0.1:${port}`, source: 'local', stop: noop }
  if (local === 'auth') {
    throw new RedisNotFound(
      `Redis at 127.0.0.1:${port} asks for a password. Set REDIS_URL=redis://:password@127.0.0.1:${port} and start again.`,
    )
  }
  const binary = findOnPath(opts.binary ?? 'redis-server')
  if (!binary) {
    throw new RedisNotFound(
      [
        `No Redis found: REDIS_URL is unset, nothing answers on 127.0.0.1:${port}, and redis-server is not installed.`,
        'Get one of these, then start again:',
        '  - Debian/Ubuntu: sudo apt-get install -y redis-server',
        '  - macOS: brew install redis',
        '  - any Redis you can reach: REDIS_URL=redis://host:6379 npm start',
      ].join('\n'),
    )
  }
  return spawnRedis(binary)
}

async function spawnRedis(binary: string): Promise<ResolvedRedis> {
  const port = await freePort()
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
    { stdio: 'ignore' },
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const deadline = Date.now() + 5000
  while ((await ping('127.0.0.1', port, 200)) !== 'pong') {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new RedisNotFound(`A private redis-server (${binary}) did not start on port ${port}.`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  log.info(`started a private redis-server on 127.0.0.1:${port} (stopped with the app)`)
  return {
    url: `redis://127.0.0.1:${port}`,
    source: 'spawned',
    stop: () => stopChild(child, exited),
  }
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
  await exited
  clearTimeout(timer)
}

/** Sends PING over a raw socket: 'pong', 'auth' (answers but wants a password), or 'none'. */
export function ping(host: string, port: number, timeoutMs: number): Promise<'pong' | 'auth' | 'none'> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port })
    let reply = ''
    const done = (result: 'pong' | 'auth' | 'none') => {
      socket.destroy()
      resolve(result)
    }
    socket.setTimeout(timeoutMs, () => done('none'))
    socket.once('error', () => done('none'))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1')
      if (!reply.includes('\r\n')) return
      if (reply.startsWith('+PONG')) done('pong')
      else if (/NOAUTH|WRONGPASS|AUTH/i.test(reply)) done('auth')
      else done('none')
    })
  })
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

function findOnPath(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/bin', '/usr/local/bin', '/usr/sbin'])
  for (const dir of dirs) {
    const candidate = path.join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  return undefined
}
