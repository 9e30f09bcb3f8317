/**
 * Unit and integration tests. Unit tests sit next to the file they test (`lib/match.test.ts`); integration
 * tests, which need the real Redis and Postgres, sit under `server/**\/__tests__/`. Nothing is mocked: Redis is
 * REDIS_URL (default 127.0.0.1:6379), PostgreSQL is TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test)
 * and every test that needs PGlite opens a private copy of a template prepared once by the global setup.
 */
import { defineConfig } from 'vitest/config'
import SlowestFirst from './server/test-support/sequencer'

export default defineConfig({
  test: {
    include: ['lib/**/*.test.ts', 'server/**/*.test.ts'],
    exclude: ['node_modules/**', '.next/**', '.data/**', 'e2e/**'],
    // PGlite and socket.io servers live in the test processes: forks keep them apart, two fit this machine
    // (four were no faster on the shared machine and failed more often: Redis connections refused under load).
    pool: 'forks',
    maxWorkers: 2,
    sequence: { sequencer: SlowestFirst },
    globalSetup: ['server/test-support/global-setup.ts'],
    setupFiles: ['server/test-support/setup.ts'],
    testTimeout: 15_000,
    hookTimeout: 30_000,
    teardownTimeout: 15_000,
  },
})
