/**
 * Rooms per address and per instance, and requests per address, through the real app (HTTP on port 0, the
 * real Redis, PGlite). Each limit is set low in the app's env; before the limits, every request got its 201/200.
 */
import { describe, expect, it } from 'vitest'
import { useTestApp } from '../../test-support/app'
import { request } from '../../test-support/http'

describe('rooms per address', () => {
  const t = useTestApp({ env: { ROOMS_PER_ADDRESS: '3' } })

  it('refuses the address its 4th room with 429, Retry-After and a message naming the limit, and allows one again once a room is gone', async () => {
    const made: string[] = []
    for (let i = 0; i < 3; i++) {
      const res = await request(t.url, 'POST', '/api/rooms', { json: {} })
      expect(res.status).toBe(201)
      made.push(res.body.id)
      t.track(res.body.id)
    }
    const refused = await request(t.url, 'POST', '/api/rooms', { json: {} })
    expect(refused.status).toBe(429)
    expect(refused.body.error.code).toBe('E_LIMIT')
    expect(refused.body.error.message).toMatch(/already has 3 rooms/)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    // A classroom session makes a room too: it cannot be the way around the limit.
    const session = await request(t.url, 'POST', '/api/sessions', { json: { lab: 'ttl' } })
    expect(session.status).toBe(429)

    await t.app.engine.rooms.destroy(made[0]!)
    const again = await request(t.url, 'POST', '/api/rooms', { json: {} })
    expect(again.status).toBe(201)
    t.track(again.body.id)
  })
})

describe('rooms per instance', () => {
  const t = useTestApp({ env: { ROOMS_MAX: '2' } })

  it('answers 503 E_FULL with Retry-After once the instance runs its limit of rooms', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await request(t.url, 'POST', '/api/rooms', { json: {} })
      expect(res.status).toBe(201)
      t.track(res.body.id)
    }
    const full = await request(t.url, 'POST', '/api/rooms', { json: {} })
    expect(full.status).toBe(503)
    expect(full.body.error).toMatchObject({ code: 'E_FULL' })
    expect(full.body.error.message).toMatch(/full: it runs 2 rooms/)
    expect(full.body.error.message).toMatch(/Try again in \d+ s/)
    expect(Number(full.headers.get('retry-after'))).toBeGreaterThan(0)
  })
})

describe('API requests per address', () => {
  // 0.01 a second refills nothing within a test, however slow the machine is today.
  const t = useTestApp({ env: { HTTP_REQUESTS_PER_SECOND: '0.01', HTTP_REQUEST_BURST: '5' } })

  it('answers the burst, then 429 with Retry-After; pages outside the API are not counted', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) statuses.push((await request(t.url, 'GET', '/api/labs')).status)
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429])
    const limited = await request(t.url, 'GET', '/metrics')
    expect(limited.status).toBe(429)
    expect(limited.body.error.code).toBe('E_LIMIT')
    expect(limited.body.error.message).toMatch(/Too many requests from your address/)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    // Not an API path: answered by the page handler (here a 404 without Next.js), not the limit.
    expect((await request(t.url, 'GET', '/labs/ttl')).status).toBe(404)
  })
})
