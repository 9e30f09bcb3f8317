/**
 * Security headers. Every response gets the ones that cost nothing (no MIME sniffing, no framing, no referrer
 * beyond the origin, no powerful features); pages also get a Content Security Policy with a fresh nonce per
 * request: only scripts carrying it (Next.js puts it on its own, read from the request's CSP header) and the
 * scripts they load may run, so an injected `<script>` or `onerror=` does nothing even if markup ever slipped
 * through. Styles allow inline `style` attributes: React and the charts set them in server-rendered HTML,
 * where no nonce can go; style injection cannot run code.
 */
import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

const COMMON: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  'cross-origin-opener-policy': 'same-origin',
}

export function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    // Development's React needs eval for its error overlays and stacks; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    // The socket (WebSocket or long-polling) and the API are same-origin.
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}

export function setCommonHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(COMMON)) res.setHeader(name, value)
}

/**
 * For a page request: the response's headers, and the nonce handed to Next.js on the request (Next.js reads
 * it from the request's CSP header for its scripts; the root layout reads `x-nonce` for the theme script).
 */
export function securePage(req: IncomingMessage, res: ServerResponse, dev: boolean): void {
  const nonce = randomBytes(18).toString('base64')
  const csp = contentSecurityPolicy(nonce, dev)
  req.headers['content-security-policy'] = csp
  req.headers['x-nonce'] = nonce
  res.setHeader('content-security-policy', csp)
}
