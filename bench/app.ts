/**
 * The app as the benches start it: the real startApp (Redis, database, engine, API, sockets) on port 0,
 * without Next.js, quiet logs, the Redis at 127.0.0.1:6379 (or REDIS_URL), and its own PGlite directory
 * so a bench never touches the dev database. The first run creates that directory (initdb, a few seconds);
 * later runs reopen it in under a second.
 */
import path from 'node:path'
import { ROOT, startApp, type RunningApp } from '../server/app'
import { resolveConfig } from '../server/config'
import { setLogLevel } from '../server/log'

export const BENCH_PGLITE_DIR = path.join(ROOT, '.data', 'pglite-bench')
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

export async function startBenchApp(env: Record<string, string> = {}): Promise<RunningApp> {
  setLogLevel('warn')
  const config = resolveConfig({
    PORT: '0',
    REDIS_URL,
    PGLITE_DIR: BENCH_PGLITE_DIR,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
    ...env,
  })
  return startApp({ config, next: false })
}
