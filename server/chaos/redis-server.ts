/**
 * A redis-server of the chaos run's own, on a free port, so killing, freezing and restarting it hurts no one
 * else using the machine's Redis. Nothing is persisted: a restart comes back empty, like a crashed cache.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { freePort, ping } from '../redis/resolve'

export class PrivateRedis {
  private child: ChildProcess | undefined

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort())
    await redis.launch()
    return redis
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }

  /** SIGKILL: the server is gone at once, connections reset, every key lost. */
  async kill(): Promise<void> {
    const child = this.child
    if (!child || exited(child)) return
    const gone = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await gone
  }

  /** Starts the server again on the same port. */
  async restart(): Promise<void> {
    await this.kill()
    await this.launch()
  }

  /** SIGSTOP: the process stays, its sockets stay open, and nothing answers until thaw(). */
  freeze(): void {
    this.child?.kill('SIGSTOP')
  }

  thaw(): void {
    this.child?.kill('SIGCONT')
  }

  async stop(): Promise<void> {
    this.thaw()
    await this.kill()
  }

  private async launch(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
      { stdio: 'ignore' },
    )
    this.child = child
    const deadline = Date.now() + 5000
    while ((await ping('127.0.0.1', this.port, 200)) !== 'pong') {
      if (exited(child) || Date.now() > deadline) throw new Error(`redis-server did not start on port ${this.port}`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }
}

/** A child killed by a signal keeps exitCode null; its signalCode says it is gone. */
function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null
}
