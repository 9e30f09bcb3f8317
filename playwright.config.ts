import { cpSync, existsSync, rmSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { defineConfig } from '@playwright/test'

/**
 * End-to-end tests in Debian's Chromium against the production build. The config is loaded again in every
 * worker, so the port and the database directory are chosen once, in the main process, and handed down
 * through the environment.
 */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const a = s.address()
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))))
    })
  })
}

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
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        '--disable-dev-shm-usage',
      ],
    },
  },
  webServer: {
    command: 'node --import tsx server/index.ts',
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
    },
  },
})
