/**
 * Lab actions per address over all of its sockets. Before, each socket had its own 40-action burst, so ten
 * sockets got 400 actions through; now the address has one budget, and a classroom's host has its own.
 */
import { describe, expect, it } from 'vitest'
import { useTestApp } from '../../test-support/app'
import { request } from '../../test-support/http'
import { openClient, type TestClient } from '../../test-support/socket'

// 0.01 a second: nothing refills while the test runs, however loaded the machine is.
const t = useTestApp({ env: { ACTIONS_PER_SECOND: '0.01', ACTION_BURST: '10' } })

const read = (c: TestClient, room: string) => c.ask('action', { room, lab: 'ttl', action: 'read', userId: 1 })

describe('actions per address', () => {
  it('holds across sockets: 5 sockets × 4 actions get 10 through, the rest E_LIMIT with when to retry', async () => {
    const room = await t.room()
    const clients = await Promise.all(Array.from({ length: 5 }, () => openClient(t.url)))
    for (const c of clients) expect((await c.ask('room:join', { room })).ok).toBe(true)
    const acks = await Promise.all(clients.flatMap((c) => Array.from({ length: 4 }, () => read(c, room))))
    const ok = acks.filter((a) => a.ok).length
    const refused = acks.filter((a) => !a.ok)
    expect(ok).toBe(10)
    expect(refused).toHaveLength(10)
    for (const r of refused) {
      expect(r.ok ? undefined : r.error.code).toBe('E_LIMIT')
      expect(r.ok ? '' : r.error.message).toMatch(/your address over all its tabs\. Try again in \d+ s\./)
    }
  })

  it("never spends a classroom host's controls on what others at the same address sent", async () => {
    // Spend what is left of the address's budget (all of it, if the test above ran first).
    const mine = await t.room()
    const owner = await openClient(t.url)
    await owner.ask('room:join', { room: mine })
    let spent = await read(owner, mine)
    for (let i = 0; i < 11 && spent.ok; i++) spent = await read(owner, mine)
    expect(spent.ok ? 'ok' : spent.error.code).toBe('E_LIMIT')

    const created = await request(t.url, 'POST', '/api/sessions', { json: { lab: 'ttl' } })
    expect(created.status).toBe(201)
    t.track(created.body.room)
    const host = await openClient(t.url)
    const hosted = await host.ask('session:host', { code: created.body.code, secret: created.body.hostSecret })
    expect(hosted.ok).toBe(true)
    const control = await read(host, created.body.room)
    expect(control.ok).toBe(true)
  })
})
