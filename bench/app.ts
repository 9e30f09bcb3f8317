/**
 * The app as the benches start it: the real startApp (Redis, database, engine, API, sockets) on port 0,
 * without Next.js, quiet logs, the Redis at 127.0.0.1:6379 (or REDIS_URL), and its own PGlite directory
 * so a bench never touches the dev database. The first run creates that directory (initdb, a few seconds);
 * later runs reopen it in under a second.
 *
 * The bench database holds rows only while a bench room exists, so rooms found there at start were left by
 * a run that was killed: they are destroyed (keys and rows) before anything is measured.
 */
import path from 'node:path'
import { roomsWithRows } from '../server/db/seed'
import { ROOT, startApp, type RunningApp } from '../server/app'
import { resolveConfig } from '../server/config'
import { setLogLevel } from '../server/log'
import { onCleanup } from './cleanup'

export const BENCH_PGLITE_DIR = path.join(ROOT, '.data', 'pglite-bench')
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

export async function startBenchApp(env: Record<string, string> = {}): Promise<RunningApp> {
  setLogLevel('warn')
  const config = resolveConfig({
    PORT: '0',
    REDIS_URL,
    PGLITE_DIR: BENCH_PGLITE_DIR,
    LOG_LEVEL: 'warn',
    // Measured as it runs in production (event data is not re-validated per event there).
    NODE_ENV: 'production',
    // A bench is one address driving far more than a visitor would; the capacity bench sets its own limits.
    ROOMS_PER_ADDRESS: '100000',
    ROOMS_MAX: '100000',
    HTTP_REQUESTS_PER_SECOND: '1000000',
    HTTP_REQUEST_BURST: '1000000',
    ACTIONS_PER_SECOND: '1000000',
    ACTION_BURST: '1000000',
    ...env,
  })
  const app = await startApp({ config, next: false })
  onCleanup(() => app.close())
  const leftovers = await roomsWithRows(app.db)
  for (const id of leftovers) await app.engine.rooms.destroy(id)
  if (leftovers.length > 0)
    process.stdout.write(`# removed ${leftovers.length} rooms an interrupted bench left behind\n`)
  return app
}

/** Creates a room whose keys and rows are removed at cleanup. */
export async function benchRoom(app: RunningApp): Promise<string> {
  const { id } = await app.engine.createRoom()
  onCleanup(() => app.engine.rooms.destroy(id))
  return id
}
