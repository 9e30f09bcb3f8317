/**
 * A PostgreSQL server of the chaos run's own: a fresh cluster (initdb) in a temporary directory on a free
 * port, so restarting it hurts no one else. PostgreSQL refuses to run as root, so when we are root its
 * commands run as the `postgres` user the Debian package creates.
 */
import { execFile } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { freePort } from '../redis/resolve'

const run = promisify(execFile)

/** The directory holding initdb and pg_ctl: Debian keeps them out of PATH, under /usr/lib/postgresql/<n>/bin. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql'
  if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a))
    for (const v of versions) if (existsSync(path.join(root, v, 'bin', 'pg_ctl'))) return path.join(root, v, 'bin')
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (existsSync(path.join(dir, 'pg_ctl'))) return dir
  return undefined
}

export class PrivatePostgres {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const bin = postgresBinDir()
    if (!bin) throw new Error('PostgreSQL is not installed (no pg_ctl): apt-get install -y postgresql')
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cachelab-chaos-pg-'))
    const pg = new PrivatePostgres(bin, dir, await freePort())
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres'])
      const { stdout: gid } = await run('id', ['-g', 'postgres'])
      chownSync(dir, Number(stdout.trim()), Number(gid.trim()))
      chmodSync(dir, 0o700)
    }
    await pg.as('initdb', ['-D', pg.data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'])
    await pg.start()
    return pg
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`
  }

  private get data(): string {
    return path.join(this.dir, 'data')
  }

  /** A fast shutdown: open connections are terminated, as when a server is restarted. */
  async stop(): Promise<void> {
    await this.pgCtl('stop', ['-m', 'fast'])
  }

  async start(): Promise<void> {
    await this.pgCtl('start')
  }

  /** Stops the server for good and removes its files. */
  async remove(): Promise<void> {
    await this.pgCtl('stop', ['-m', 'immediate']).catch(() => {})
    rmSync(this.dir, { recursive: true, force: true })
  }

  private pgCtl(action: string, extra: string[] = []): Promise<unknown> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`
    return this.as('pg_ctl', [action, '-D', this.data, '-w', '-t', '20', '-l', path.join(this.dir, 'log'), '-o', options, ...extra])
  }

  private as(tool: string, args: string[]): Promise<unknown> {
    const binary = path.join(this.bin, tool)
    const asRoot = process.getuid?.() === 0
    return asRoot ? run('runuser', ['-u', 'postgres', '--', binary, ...args]) : run(binary, args)
  }
}
