/**
 * Every demo of the TTL lab, run through the `demo` action as the "show me" button runs it: each must end
 * with its claim proved (passed: true) on the real Redis and database. They take seconds each (TTLs must
 * really run out), so they run one after another in this file.
 */
import { describe, expect, it } from 'vitest'
import { findLab } from '../../../lib/labs/catalogue'
import { useTestApp } from '../../test-support/app'
import { collect } from '../../test-support/events'
import type { DemoResult } from '../demo-runner'

const lab = findLab('ttl')!
const t = useTestApp({ database: 'pglite' })

/** A demo's longest possible run: its sleeps and wait timeouts, plus slack for the actions. */
function budget(id: string): number {
  const demo = lab.demos.find((d) => d.id === id)!
  return demo.steps.reduce((ms, s) => ms + ('sleepMs' in s ? s.sleepMs : 'timeoutMs' in s ? s.timeoutMs : 0), 15_000)
}

describe('TTL lab demos', () => {
  it.each(lab.demos.map((d) => [d.id]))(
    'demo %s proves its claim',
    async (id) => {
      const room = await t.room()
      const c = collect(t.app.engine.recorder, room)
      const result = (await t.app.engine.act(room, { lab: 'ttl', action: 'demo', id }, 'api')) as DemoResult
      c.stop()
      expect(
        result.checks.filter((check) => !check.passed),
        JSON.stringify(result.checks, null, 1),
      ).toEqual([])
      expect(result).toMatchObject({ demo: id, passed: true })
      expect(result.checks.length).toBe(lab.demos.find((d) => d.id === id)!.checks.length)
      // The timeline tells the same story: the demo's narration, then its verdict as the last event.
      const markers = c.events.filter((e) => e.kind === 'marker' && e.data.demo === id)
      expect(markers.length).toBeGreaterThan(1)
      const verdict = c.events.findLast((e) => e.kind === 'demo-result')
      expect(verdict).toMatchObject({ kind: 'demo-result', data: { demo: id, passed: true } })
      // Every request the demo made was the demo's (no load left running behind it).
      const requests = c.events.filter((e) => e.kind === 'request')
      expect(requests.length).toBeGreaterThan(0)
      for (const r of requests) expect(['demo', 'load']).toContain(r.kind === 'request' && r.data.by)
    },
    120_000,
  )

  it(
    'runs one demo at a time per room',
    async () => {
      const room = await t.room()
      const first = t.app.engine.act(
        room,
        { lab: 'ttl', action: 'demo', id: 'ttl-safety-net' },
        'api',
      ) as Promise<DemoResult>
      await new Promise((r) => setTimeout(r, 50))
      await expect(
        t.app.engine.act(room, { lab: 'ttl', action: 'demo', id: 'stale-until-expiry' }, 'api'),
      ).rejects.toMatchObject({
        code: 'E_BUSY',
        status: 409,
      })
      expect((await first).passed).toBe(true)
    },
    budget('ttl-safety-net'),
  )
})
