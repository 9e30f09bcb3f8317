/**
 * The app as the benches start it: the real startApp (Redis, database, engine, API, sockets) on port 0,
 * without Next.js, quiet logs, the Redis at 127.0.0.1:6379 (or REDIS_URL), and a PGlite directory of its
 * own for this app alone (a fresh copy of the bench template: data-dir.ts), so a bench never touches the dev
 * database nor another run's. The first run builds the template (initdb, a few seconds); later copies open
 * in under a second. A copy that will not open (a template corrupted on disk) is rebuilt once.
 */
import { startApp, type RunningApp } from '../server/app'
import { resolveConfig } from '../server/config'
import { ONE_ADDRESS_LIMITS } from '../server/limits/one-address'
import { setLogLevel } from '../server/log'
import { onCleanup } from './cleanup'
import { benchDataDir } from './data-dir'

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

export async function startBenchApp(env: Record<string, string> = {}): Promise<RunningApp> {
  setLogLevel('warn')
  const start = async (rebuildTemplate: boolean) => {
    const config = resolveConfig({
      PORT: '0',
      REDIS_URL,
      PGLITE_DIR: await benchDataDir('app', { rebuildTemplate }),
      LOG_LEVEL: 'warn',
      // Measured as it runs in production (event data is not re-validated per event there).
      NODE_ENV: 'production',
      // A bench is one address driving far more than a visitor would; the capacity bench sets its own limits.
      ...ONE_ADDRESS_LIMITS,
      ...env,
    })
    return startApp({ config, next: false })
  }
  const app = await start(false).catch((err: Error) => {
    if (env.DATABASE_URL || !/embedded database/.test(err.message)) throw err
    process.stdout.write(`# the bench database did not open (${err.message}): rebuilding its template\n`)
    return start(true)
  })
  onCleanup(() => app.close())
  return app
}

/** Creates a room whose keys and rows are removed at cleanup. */
export async function benchRoom(app: RunningApp): Promise<string> {
  const { id } = await app.engine.createRoom()
  onCleanup(() => app.engine.rooms.destroy(id))
  return id
}
