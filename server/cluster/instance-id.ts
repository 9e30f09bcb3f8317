/**
 * This process's id among the server instances sharing one Redis: the name in the owner keys of the rooms it
 * runs and in its liveness heartbeat. It is stable across restarts (configured, or this machine and the
 * address it listens on), so a process restarted after a crash is the same instance and takes its rooms
 * back at once. Two live processes cannot listen on one address of one machine, so the default is unique
 * among live instances. A process on port 0 (tests, benches) has no stable address and gets a random id.
 */
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'

export function instanceId(opts: { configured?: string; host: string; port: number }): string {
  if (opts.configured) return opts.configured
  if (opts.port !== 0) return `${hostname()}:${opts.host}:${opts.port}`
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`
}
