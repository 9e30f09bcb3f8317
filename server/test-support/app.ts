/**
 * The whole app for integration tests: `startApp` on port 0 without Next.js, with the real Redis and either a
 * private PGlite copy or the PostgreSQL server. `useTestApp()` starts it before the file's tests and, after
 * them, destroys every room the tests made (keys unlinked, rows deleted), closes the app and removes its
 * PGlite directory.
 */
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, onTestFinished } from 'vitest'
import { startApp, type RunningApp } from '../app'
import { resolveConfig } from '../config'
import { ONE_ADDRESS_LIMITS } from '../limits/one-address'
import { postgresUrl, redisUrl } from './env'
import { copyPgliteTemplate } from './pglite'

export type TestDatabase = 'pglite' | 'postgres'

export interface TestApp {
  readonly app: RunningApp
  readonly url: string
  /** Creates a room through the engine; destroyed when the current test finishes (or with the app). */
  room(opts?: { keep?: boolean }): Promise<string>
  /** A room made some other way (HTTP, socket) that must be destroyed with the app. */
  track(id: string): void
  close(): Promise<void>
}

export async function startTestApp(
  opts: { database?: TestDatabase; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const database = opts.database ?? 'pglite'
  const pgliteDir = database === 'pglite' ? copyPgliteTemplate() : undefined
  const config = resolveConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: redisUrl(),
    NODE_ENV: 'test',
    // Tests make many rooms and requests from 127.0.0.1; a test of a limit sets its own in `env`.
    ...ONE_ADDRESS_LIMITS,
    ...(pgliteDir ? { PGLITE_DIR: pgliteDir } : { DATABASE_URL: postgresUrl() }),
    ...opts.env,
  })
  let app: RunningApp
  try {
    app = await startApp({ config, next: false })
  } catch (err) {
    if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true })
    throw err
  }
  const rooms = new Set<string>()
  const destroy = async (id: string) => {
    rooms.delete(id)
    await app.engine.rooms.destroy(id)
  }
  return {
    app,
    url: app.url,
    async room({ keep = false } = {}) {
      const { id } = await app.engine.createRoom()
      rooms.add(id)
      if (!keep) onTestFinished(() => destroy(id))
      return id
    },
    track: (id) => void rooms.add(id),
    async close() {
      for (const id of [...rooms]) await destroy(id).catch(() => {})
      await app.close()
      if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true })
    },
  }
}

/** Starts one app for the file (beforeAll) and closes it after the file (afterAll). */
export function useTestApp(opts: { database?: TestDatabase; env?: Record<string, string> } = {}): TestApp {
  let current: TestApp | undefined
  beforeAll(async () => {
    current = await startTestApp(opts)
  })
  afterAll(async () => {
    await current?.close()
  })
  const get = () => {
    if (!current) throw new Error('the test app is not running (used outside a test?)')
    return current
  }
  return {
    get app() {
      return get().app
    },
    get url() {
      return get().url
    },
    room: (o) => get().room(o),
    track: (id) => get().track(id),
    close: () => get().close(),
  }
}
