/** A minimal router: method + path pattern (`/api/rooms/:id/events`) → handler with typed params. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { LabError } from '../engine/errors'
import { sendError } from './http'

export interface Ctx {
  req: IncomingMessage
  res: ServerResponse
  params: Record<string, string>
  query: URLSearchParams
}
type Handler = (ctx: Ctx) => Promise<void> | void

interface Route {
  method: string
  parts: string[]
  handler: Handler
}

export class Router {
  private routes: Route[] = []

  on(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, parts: pattern.split('/').filter(Boolean), handler })
    return this
  }

  /** Handles the request if a route's path matches; false lets the caller pass it on (to Next.js). */
  handle(req: IncomingMessage, res: ServerResponse, prefixes: string[]): boolean {
    const url = new URL(req.url ?? '/', 'http://x')
    if (!prefixes.some((p) => url.pathname === p || url.pathname.startsWith(`${p}/`))) return false
    const segments = url.pathname.split('/').filter(Boolean)
    let pathMatched = false
    for (const route of this.routes) {
      const params = match(route.parts, segments)
      if (!params) continue
      pathMatched = true
      if (route.method !== req.method) continue
      Promise.resolve()
        .then(() => route.handler({ req, res, params, query: url.searchParams }))
        .catch((err) => sendError(res, err))
      return true
    }
    const allowed = this.routes.filter((r) => match(r.parts, segments)).map((r) => r.method)
    sendError(
      res,
      pathMatched
        ? new LabError('E_METHOD', 405, `${req.method} is not allowed here; use ${allowed.join(' or ')}.`)
        : new LabError('E_NOT_FOUND', 404, `No API route ${url.pathname}. See GET /api/labs and the README.`),
    )
    return true
  }
}

function match(parts: string[], segments: string[]): Record<string, string> | undefined {
  if (parts.length !== segments.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!
    const seg = segments[i]!
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(seg)
      } catch {
        return undefined
      }
    } else if (part !== seg) return undefined
  }
  return params
}
