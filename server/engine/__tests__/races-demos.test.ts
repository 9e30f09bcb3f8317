/**
 * Every demo of the races lab, run through the `demo` action as the "show me" button runs it, on each database
 * adapter: each must end with its claim proved (passed: true), every check measured on the demo's own events.
 */
import { describe, expect, it } from 'vitest'
import { findLab } from '../../../lib/labs/catalogue'
import { useTestApp, type TestDatabase } from '../../test-support/app'
import { collect } from '../../test-support/events'
import type { DemoResult } from '../demo-runner'

const lab = findLab('races')!

describe.each(['pglite', 'postgres'] as TestDatabase[])('races lab demos on %s', (database) => {
  const t = useTestApp({ database })

  it.each(lab.demos.map((d) => [d.id]))(
    'demo %s proves its claim',
    async (id) => {
      const room = await t.room()
      const c = collect(t.app.engine.recorder, room)
      const result = (await t.app.engine.act(room, { lab: 'races', action: 'demo', id }, 'api')) as DemoResult
      c.stop()
      expect(
        result.checks.filter((check) => !check.passed),
        JSON.stringify(result.checks, null, 1),
      ).toEqual([])
      expect(result).toMatchObject({ demo: id, passed: true })
      expect(result.checks.length).toBe(lab.demos.find((d) => d.id === id)!.checks.length)
      const verdict = c.events.findLast((e) => e.kind === 'demo-result')
      expect(verdict).toMatchObject({ kind: 'demo-result', data: { demo: id, passed: true } })
      // Every step of the interleaving was a request of the demo, by one of the three actors.
      const requests = c.events.filter((e) => e.kind === 'request')
      expect(requests.length).toBeGreaterThan(5)
      for (const r of requests) expect(r.kind === 'request' && r.data.by).toBe('demo')
      for (const r of requests.filter((e) => e.kind === 'request' && e.data.action === 'step'))
        expect(['A', 'B', 'C']).toContain(r.node)
    },
    30_000,
  )
})
