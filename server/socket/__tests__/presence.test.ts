/**
 * Presence in a classroom session is coalesced: a class arriving at once is told who is there a few times,
 * not once per arrival (each of which sent everyone the whole list: a class of N cost N² messages and N³
 * bytes; 1000 participants took 131 s to join two instances). The last change always goes out.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import type { Presence } from '../../../lib/session'
import { useTestApp } from '../../test-support/app'
import { waitUntil } from '../../test-support/env'
import { request } from '../../test-support/http'
import { openClient } from '../../test-support/socket'
import { PRESENCE_MS } from '../sessions'

const t = useTestApp({ database: 'pglite' })
const CLASS = 30

describe('classroom presence', () => {
  it('a class joining at once gets at most one presence message per interval, and the last one names everyone', async () => {
    const res = await request(t.url, 'POST', '/api/sessions', { json: { lab: 'ttl' } })
    expect(res.status).toBe(201)
    t.track(res.body.room)
    onTestFinished(() => t.app.sessions.remove(res.body.code))
    const host = await openClient(t.url)
    const seen: Presence[] = []
    host.socket.on('session:presence', (p) => void seen.push(p))
    const hosted = await host.ask('session:host', { code: res.body.code, secret: res.body.hostSecret })
    expect(hosted.ok).toBe(true)

    const started = performance.now()
    const joined = await Promise.all(
      Array.from({ length: CLASS }, async (_, i) => {
        const c = await openClient(t.url)
        return c.ask('session:join', { code: res.body.code, name: `student ${i + 1}` })
      }),
    )
    expect(joined.every((r) => r.ok)).toBe(true)
    await waitUntil(() => seen.at(-1)?.count === CLASS, `presence of all ${CLASS}`)
    const span = performance.now() - started
    expect(seen.at(-1)!.names).toHaveLength(CLASS)
    // Whatever the machine's load: one message per interval at most (plus the one the host's own arrival
    // asked for), where one per arrival would be CLASS + 1.
    expect(seen.length).toBeLessThanOrEqual(Math.floor(span / PRESENCE_MS) + 2)
  })

  it('a participant leaving is told to the others', async () => {
    const res = await request(t.url, 'POST', '/api/sessions', { json: { lab: 'ttl' } })
    t.track(res.body.room)
    onTestFinished(() => t.app.sessions.remove(res.body.code))
    const host = await openClient(t.url)
    const seen: Presence[] = []
    host.socket.on('session:presence', (p) => void seen.push(p))
    await host.ask('session:host', { code: res.body.code, secret: res.body.hostSecret })
    const ada = await openClient(t.url)
    const joined = await ada.ask('session:join', { code: res.body.code, name: 'Ada' })
    expect(joined.ok && joined.presence.names).toEqual(['Ada'])
    await waitUntil(() => seen.at(-1)?.count === 1, 'presence of Ada')
    ada.socket.disconnect()
    await waitUntil(() => seen.at(-1)?.count === 0, 'presence after Ada left')
  })
})
