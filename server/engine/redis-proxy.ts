/**
 * A room's own path to Redis: a small TCP proxy on a local port that the room's connections (its app
 * servers, their subscribers and stream readers) go through. It lets a lab make Redis really fail for one
 * room while the Redis server keeps serving everyone else:
 * - `up`: bytes flow both ways;
 * - `refused`: every open connection is cut and new ones are dropped at once (a crashed or unreachable
 *   Redis: clients see ECONNRESET / connection refused and fail fast);
 * - `frozen`: connections stay open but nothing comes back (a Redis stalled by a long command or a network
 *   that swallows packets: clients wait until their socket timeout).
 */
import net from 'node:net'

export type ProxyMode = 'up' | 'refused' | 'frozen'

interface Pair {
  client: net.Socket
  upstream: net.Socket
}

export class RedisProxy {
  private server: net.Server | undefined
  private pairs = new Set<Pair>()
  private current: ProxyMode = 'up'

  constructor(private readonly target: { host: string; port: number }) {}

  get mode(): ProxyMode {
    return this.current
  }

  /** Starts listening on a free local port; returns it. */
  async listen(): Promise<number> {
    const server = net.createServer((client) => this.accept(client))
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    return (server.address() as net.AddressInfo).port
  }

  setMode(mode: ProxyMode): void {
    this.current = mode
    if (mode === 'refused') for (const p of this.pairs) this.cut(p)
    else if (mode === 'frozen') for (const p of this.pairs) this.pause(p)
    else for (const p of this.pairs) this.resume(p)
  }

  async close(): Promise<void> {
    for (const p of this.pairs) this.cut(p)
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }

  private accept(client: net.Socket): void {
    if (this.current === 'refused') {
      client.destroy()
      return
    }
    client.setNoDelay(true)
    const upstream = net.connect(this.target)
    upstream.setNoDelay(true)
    const pair = { client, upstream }
    this.pairs.add(pair)
    client.pipe(upstream)
    upstream.pipe(client)
    if (this.current === 'frozen') this.pause(pair)
    const done = () => this.cut(pair)
    client.on('error', done).on('close', done)
    upstream.on('error', done).on('close', done)
  }

  /** Nothing moves either way: requests wait in the client's socket, replies in Redis's. */
  private pause(pair: Pair): void {
    pair.client.pause()
    pair.upstream.pause()
  }

  private resume(pair: Pair): void {
    pair.client.resume()
    pair.upstream.resume()
  }

  private cut(pair: Pair): void {
    if (!this.pairs.delete(pair)) return
    pair.client.destroy()
    pair.upstream.destroy()
  }
}

/** The same Redis URL (credentials, database) pointing at the proxy's port on this machine. */
export function viaProxy(url: string, port: number): string {
  const u = new URL(url)
  u.hostname = '127.0.0.1'
  u.port = String(port)
  return u.toString()
}

/** Host and port a Redis URL names. */
export function targetOf(url: string): { host: string; port: number } {
  const u = new URL(url)
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || 6379) }
}
