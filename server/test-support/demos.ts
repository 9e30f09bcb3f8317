/**
 * Every demo of a lab, run through the `demo` action as "Show me" runs it: each must end with its claim
 * proved on the real Redis and database, record its verdict, and cause nothing that looks like a change
 * from outside the app. One call per lab's `<lab>-demos.test.ts`.
 */
import { describe, expect, it } from 'vitest'
import { findLab } from '../../lib/labs/catalogue'
import type { DemoResult } from '../engine/demo-runner'
import { useTestApp } from './app'
import { collect } from './events'

export function describeDemos(labId: string): void {
  const lab = findLab(labId)
  if (!lab) throw new Error(`no lab ${labId}`)
  const t = useTestApp({ database: 'pglite' })

  describe(`${labId} lab demos`, () => {
    it.each(lab.demos.map((d) => [d.id]))(
      'demo %s proves its claim',
      async (id) => {
        const room = await t.room()
        const c = collect(t.app.engine.recorder, room)
        const result = (await t.app.engine.act(room, { lab: labId, action: 'demo', id }, 'api')) as DemoResult
        c.stop()
        expect(
          result.checks.filter((check) => !check.passed),
          JSON.stringify(result.checks, null, 1),
        ).toEqual([])
        expect(result).toMatchObject({ demo: id, passed: true })
        expect(result.checks.length).toBe(lab.demos.find((d) => d.id === id)!.checks.length)
        const verdict = c.events.findLast((e) => e.kind === 'demo-result')
        expect(verdict).toMatchObject({ kind: 'demo-result', data: { demo: id, passed: true } })
        expect(c.events.filter((e) => e.src === 'outside')).toEqual([])
        console.log(id, result.ms, 'ms', JSON.stringify(result.checks.map((k) => k.detail)))
      },
      120_000,
    )
  })
}
