/**
 * A database that still answers `SELECT 1` but fails every query on the labs' tables (the embedded-database
 * fault of `npm run chaos`) is a database fault: the status every browser gets says the database is down,
 * in plain words, and says it is back once the tables answer again. Before, the health probe asked only
 * `SELECT 1`, so the banner never showed.
 */
import { describe, expect, it } from 'vitest'
import { useTestApp } from '../test-support/app'
import { openClient } from '../test-support/socket'

const app = useTestApp()

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('database health', () => {
  it('reports a failing table as a database fault, in words, and its recovery', { timeout: 60_000 }, async () => {
    const client = await openClient(app.url)
    await until('the first status', () => client.statuses.length > 0)
    expect(client.statuses.at(-1)!.db.ok).toBe(true)

    await app.app.db.query('ALTER TABLE users RENAME TO users_away_for_test')
    try {
      await until('a status with the database down', () => client.statuses.some((s) => !s.db.ok))
      const down = client.statuses.find((s) => !s.db.ok)!
      expect(down.db).toEqual({ ok: false, kind: 'pglite', detail: "the app's tables cannot be read" })
      const health = (await (await fetch(`${app.url}/api/health`)).json()) as { ok: boolean; db: { ok: boolean } }
      expect(health.ok).toBe(false)
      expect(health.db.ok).toBe(false)
    } finally {
      await app.app.db.query('ALTER TABLE users_away_for_test RENAME TO users')
    }
    await until('a status with the database back', () => client.statuses.at(-1)!.db.ok)
  })
})
