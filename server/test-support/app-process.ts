/**
 * Starts the app in a child process (app-child.ts) that a test or bench can SIGKILL like a crash, and start
 * again with the same environment. Each child gets its own process group, so a kill reaches nothing else.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '../..')

export interface AppProcess {
  url: string
  pid: number
  child: ChildProcess
  /** SIGKILL, like a crash: nothing is released, no owner key handed back. Resolves once it has exited. */
  kill(): Promise<void>
  /** SIGTERM: an orderly shutdown. */
  stop(): Promise<void>
}

/** Spawns the app with `env` on top of this process's environment; resolves once it listens. */
export async function startAppProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/test-support/app-child.ts')], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)))
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => fail(new Error(`the app did not start within ${timeoutMs} ms: ${stderr}`)), timeoutMs)
    const early = (code: number | null) => fail(new Error(`the app exited with ${code} before it listened: ${stderr}`))
    const fail = (err: Error) => {
      clearTimeout(timer)
      child.off('exit', early)
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL')
      reject(err)
    }
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /READY (\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        child.off('exit', early)
        resolve(m[1]!)
      }
    })
    child.once('exit', early)
  })
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return
    process.kill(-child.pid!, sig)
    await exited
  }
  return { url, pid: child.pid!, child, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') }
}
