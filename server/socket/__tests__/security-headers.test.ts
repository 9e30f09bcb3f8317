/** socket.io answers plain HTTP on /socket.io/ (long-polling, handshake errors): those answers need the headers too. */
import { describe, expect, it } from 'vitest'
import { useTestApp } from '../../test-support/app'

const app = useTestApp()

function expectSecurityHeaders(res: Response): void {
  expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  expect(res.headers.get('x-frame-options')).toBe('DENY')
  expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
  expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin')
}

describe('security headers on /socket.io', () => {
  it('are on the long-polling handshake', async () => {
    const res = await fetch(`${app.url}/socket.io/?EIO=4&transport=polling`)
    expect(res.status).toBe(200)
    expect(await res.text()).toMatch(/^0\{"sid":/)
    expectSecurityHeaders(res)
  })

  it('are on socket.io’s own errors', async () => {
    const bad = await fetch(`${app.url}/socket.io/?EIO=4&transport=carrier-pigeon`)
    expect(bad.status).toBe(400)
    expectSecurityHeaders(bad)
    const unknownSession = await fetch(`${app.url}/socket.io/?EIO=4&transport=polling&sid=nope`, { method: 'POST', body: '1' })
    expect(unknownSession.status).toBe(400)
    expectSecurityHeaders(unknownSession)
  })

  it('are still on the API', async () => {
    expectSecurityHeaders(await fetch(`${app.url}/api/health`))
  })
})
