/**
 * The fault matrix, short form: every fault once, against an app with its own redis-server and (for the
 * PostgreSQL fault) its own PostgreSQL cluster. `npm run chaos` runs the same faults with a real browser
 * watching and reports the timings; here the outcomes are asserted, never the timings.
 */
import { rmSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { copyPgliteTemplate } from '../test-support/pglite'
import { FAULTS } from './faults'
import { httpProblems } from './http-prober'
import { runFault } from './run'

describe.each(FAULTS)('fault: $title', (fault) => {
  it('is shown, survived and recovered from without losing an event', { timeout: 60_000 }, async () => {
    const pgliteDir = copyPgliteTemplate()
    try {
      const report = await runFault(fault, { pgliteDir, watchers: 2 })
      const summary = JSON.stringify(report, null, 1)
      // Nothing crashed, nothing went unanswered, nothing was lost.
      expect(report.unhandled, summary).toEqual([])
      expect(report.appAnswersAfter, summary).toBe(true)
      expect(report.reads.unanswered, summary).toBe(0)
      expect(report.reads.failedUnclearly, summary).toBe(0)
      expect(report.missingEvents, summary).toBe(0)
      expect(report.eventsSeen, summary).toBeGreaterThan(0)
      // The HTTP API too: no 500, every failure a clear error, and with Redis down every read answered.
      expect(httpProblems(fault.shows, report.http), JSON.stringify(report.http)).toEqual([])
      expect(report.http.sent, summary).toBeGreaterThan(0)
      // Every page saw what was wrong, and the app came back by itself.
      if (fault.shows !== 'nothing-needed') expect(report.watchersShowing, summary).toBe(report.watchers)
      expect(report.recoveredAfterMs, summary).not.toBeNull()
      if (fault.shows === 'redis-down' || fault.shows === 'nothing-needed') {
        // Without Redis every read still answers, from the database.
        expect(report.reads.duringFault.failedClearly, summary).toBe(0)
        expect(report.reads.duringFault.ok, summary).toBe(report.reads.duringFault.total)
      } else {
        // Without the database a miss cannot be answered: it fails, and says why.
        expect(report.reads.duringFault.failedClearly, summary).toBeGreaterThan(0)
        for (const message of Object.keys(report.reads.errors)) expect(message).toMatch(/^E_DB_UNAVAILABLE: The database failed: /)
      }
    } finally {
      rmSync(pgliteDir, { recursive: true, force: true })
    }
  })
})
