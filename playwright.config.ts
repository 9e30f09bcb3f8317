import { cpSync, existsSync, rmSync } from 'node:fs'
import path from 'node:path'
import { defineConfig } from '@playwright/test'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/chromium'
import { freePort } from './server/redis/resolve'

/**
 * End-to-end tests in Debian's Chromium against the production build. The config is loaded again in every
 * worker, so the port and the database directory are chosen once, in the main process, and handed down
 * through the environment.
 */
if (!process.env.E2E_PORT) {
  process.env.E2E_PORT = String(await freePort())
  // A private copy of the prepared embedded database, so the e2e server never shares a data dir with a running app.
  const dir = path.resolve('.data/pglite-e2e')
  rmSync(dir, { recursive: true, force: true })
  if (existsSync('.data/pglite/PG_VERSION')) cpSync('.data/pglite', dir, { recursive: true })
}
const port = Number(process.env.E2E_PORT)

export default defineConfig({
  testDir: 'e2e',
  timeout: 90_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '.ci/out/playwright.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1440, height: 1000 },
    trace: 'retain-on-failure',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  webServer: {
    // What `npm start` runs: the bundled production server (scripts/start.mjs).
    command: 'node --max-semi-space-size=128 scripts/start.mjs',
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    env: {
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      PGLITE_DIR: '.data/pglite-e2e',
      NEXT_TELEMETRY_DISABLED: '1',
      // Every test's browser makes its room from 127.0.0.1: one address, far more rooms than a visitor's.
      ROOMS_PER_ADDRESS: '10000',
    },
  },
})
