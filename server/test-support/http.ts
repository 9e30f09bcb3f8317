/** A small HTTP client for API tests: fetch, with the body parsed as JSON when the server says it is JSON. */
import http from 'node:http'

export interface Reply {
  status: number
  headers: Headers
  /** Parsed JSON, or the text when the reply is not JSON. */
  body: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function request(
  base: string,
  method: string,
  path: string,
  opts: { json?: unknown; body?: string | Uint8Array<ArrayBuffer>; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers }
  let body: string | Uint8Array<ArrayBuffer> | undefined = opts.body
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json)
    headers['content-type'] ??= 'application/json'
  }
  const res = await fetch(base + path, { method, headers, body })
  const text = await res.text()
  const isJson = (res.headers.get('content-type') ?? '').startsWith('application/json')
  return { status: res.status, headers: res.headers, body: isJson ? JSON.parse(text) : text }
}

/**
 * POSTs a body in chunks without a Content-Length (chunked transfer encoding), as a streaming client would.
 * Resolves with the status and body, or with the socket error when the server cut the connection.
 */
export function postChunked(
  base: string,
  path: string,
  chunks: Buffer[],
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = http.request(
      base + path,
      { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode, body }))
        res.on('error', (err) => resolve({ status: res.statusCode, error: err.message }))
      },
    )
    req.on('error', (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message }))
    const write = (i: number) => {
      if (i >= chunks.length) return req.end()
      if (req.destroyed) return
      req.write(chunks[i], () => setImmediate(() => write(i + 1)))
    }
    write(0)
  })
}
