import type { IncomingMessage, ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import { contentSecurityPolicy, securePage } from './security-headers'

/** The header-relevant parts of a request and a response. */
function exchange() {
  const req = { headers: {} as Record<string, string> } as unknown as IncomingMessage
  const sent = new Map<string, string>()
  const res = { setHeader: (name: string, value: string) => sent.set(name, value) } as unknown as ServerResponse
  return { req, res, sent }
}

describe('security headers', () => {
  it('gives every page request its own nonce, on the request for Next.js and in the response policy', () => {
    const a = exchange()
    const b = exchange()
    securePage(a.req, a.res, false)
    securePage(b.req, b.res, false)
    const nonceA = a.req.headers['x-nonce'] as string
    expect(nonceA).toMatch(/^[A-Za-z0-9+/=]{24}$/)
    expect(b.req.headers['x-nonce']).not.toBe(nonceA)
    expect(a.sent.get('content-security-policy')).toContain(`'nonce-${nonceA}'`)
    expect(a.req.headers['content-security-policy']).toBe(a.sent.get('content-security-policy'))
  })

  it('never lets inline or evaluated scripts run in production', () => {
    const scriptSrc = contentSecurityPolicy('n', false)
      .split('; ')
      .find((d) => d.startsWith('script-src'))!
    expect(scriptSrc).not.toContain('unsafe-inline')
    expect(scriptSrc).not.toContain('unsafe-eval')
    expect(contentSecurityPolicy('n', true)).toContain("'unsafe-eval'")
    expect(contentSecurityPolicy('n', false)).toContain("frame-ancestors 'none'")
  })
})
