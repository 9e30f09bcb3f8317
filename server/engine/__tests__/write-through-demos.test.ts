/**
 * Every demo of the write-through lab run through the `demo` action as the "show me" button runs it: each must end
 * with its claim proved (passed: true) on the real Redis and database, with every check measured. Demos that
 * wait for a TTL take seconds, so they run one after another in this file.
 */
import { describe, expect, it } from 'vitest'
import { findLab } from '../../../lib/labs/catalogue'
import { useTestApp } from '../../test-support/app'
import { collect } from '../../test-support/events'
import type { DemoResult } from '../demo-runner'

const LAB = 'write-through'
const lab = findLab(LAB)!
const t = useTestApp({ database: 'pglite' })

describe('Write-through lab demos', () => {
  it.each(lab.demos.map((d) => [d.id]))(
    'demo %s proves its claim',
    async (id) => {
      const room = await t.room()
      const c = collect(t.app.engine.recorder, room)
      const result = (await t.app.engine.act(room, { lab: LAB, action: 'demo', id }, 'api')) as DemoResult
      c.stop()
      expect(
        result.checks.filter((check) => !check.passed),
        JSON.stringify(result.checks, null, 1),
      ).toEqual([])
      expect(result).toMatchObject({ demo: id, passed: true })
      expect(result.checks.length).toBe(lab.demos.find((d) => d.id === id)!.checks.length)
      const markers = c.events.filter((e) => e.kind === 'marker' && e.data.demo === id)
      expect(markers.length).toBeGreaterThan(1)
      expect(c.events.findLast((e) => e.kind === 'demo-result')).toMatchObject({ data: { demo: id, passed: true } })
      const requests = c.events.filter((e) => e.kind === 'request')
      expect(requests.length).toBeGreaterThan(0)
      for (const r of requests) expect(['demo', 'load']).toContain(r.kind === 'request' && r.data.by)
    },
    60_000,
  )
})
