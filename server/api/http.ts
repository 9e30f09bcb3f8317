/**
 * The small HTTP toolkit the API is built on: JSON responses with security headers, a JSON body reader
 * that enforces a size limit and a content type, and the mapping from errors to status codes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ZodError } from 'zod'
import { LabError, errors, issuesOf } from '../engine/errors'
import { isRedisOutage } from '../redis/outage'
import { findProtoKey } from './json-guard'
import { logger } from '../log'

const log = logger('api')

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  })
  res.end(json)
}

export function sendText(res: ServerResponse, status: number, text: string, contentType: string): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  })
  res.end(text)
}

export function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  if (err instanceof LabError) {
    // The rest of an oversize upload is not read: close the connection once the answer is out.
    if (err.code === 'E_TOO_LARGE') res.shouldKeepAlive = false
    const { code, message, status, extra } = err
    // A limit says when to come back (LimitError's retryAfterS), as the header clients and proxies read.
    const retry = (err as { retryAfterS?: unknown }).retryAfterS
    const headers: Record<string, string> = typeof retry === 'number' ? { 'retry-after': String(retry) } : {}
    sendJson(res, status, { error: { code, message, ...(extra.issues ? { issues: extra.issues } : {}) } }, headers)
    return
  }
  if (err instanceof ZodError) {
    sendJson(res, 400, { error: { code: 'E_INVALID', message: 'Invalid input', issues: issuesOf(err) } })
    return
  }
  if (isRedisOutage(err)) {
    // A known outage, not a bug: the caller is told what is down, the log gets one line and no stack.
    log.warn(`answered 503: Redis is unreachable (${(err as Error).message})`)
    sendError(res, errors.redisUnreachable('this request', err))
    return
  }
  log.error('unexpected error', err)
  sendJson(res, 500, { error: { code: 'E_INTERNAL', message: 'Something went wrong on the server; it has been logged.' } })
}

/**
 * Reads a JSON body. 415 if it is not declared as JSON, 413 past `limit` bytes (the upload is cut off, not
 * buffered), 400 if it does not parse or is not valid UTF-8.
 */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? ''
  if (!/^application\/json\b/i.test(type)) {
    throw new LabError('E_UNSUPPORTED_MEDIA_TYPE', 415, 'Send the body as JSON with Content-Type: application/json.')
  }
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > limit) throw tooLarge(limit)
  const chunks: Buffer[] = []
  let size = 0
  // destroyOnReturn: false keeps the socket open after we stop reading, so the 413 can still be sent.
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    size += (chunk as Buffer).length
    if (size > limit) throw tooLarge(limit)
    chunks.push(chunk as Buffer)
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks))
  } catch {
    throw new LabError('E_BAD_JSON', 400, 'The body is not valid UTF-8.')
  }
  if (text.trim() === '') return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new LabError('E_BAD_JSON', 400, `The body is not valid JSON: ${(err as Error).message}`)
  }
  const proto = findProtoKey(value)
  if (proto) throw protoError(proto)
  return value
}

export function protoError(path: string): LabError {
  return new LabError('E_INVALID', 400, 'A "__proto__" key is not allowed.', {
    issues: [{ path, message: 'not allowed' }],
  })
}

function tooLarge(limit: number): LabError {
  return new LabError('E_TOO_LARGE', 413, `The body is larger than the ${limit} bytes this server accepts.`)
}
