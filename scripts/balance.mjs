#!/usr/bin/env node
/**
 * A round-robin TCP load balancer for trying a cluster on one machine: each incoming connection goes to the
 * next backend in turn. Not for production (use nginx, HAProxy or your cloud's balancer), but it is honest
 * about what one must handle: connections land on any instance, so the app must not depend on which.
 *
 *   node scripts/balance.mjs 3000 3001 3002     listen on 3000, forward to 3001 and 3002
 */
import net from 'node:net'

const [listen, ...backends] = process.argv.slice(2).map(Number)
if (!listen || backends.length === 0 || [listen, ...backends].some((p) => !Number.isInteger(p))) {
  console.error('usage: node scripts/balance.mjs <listen-port> <backend-port> [<backend-port> …]')
  process.exit(2)
}
let next = 0
const server = net.createServer((client) => {
  const port = backends[next++ % backends.length]
  const upstream = net.connect({ port, host: '127.0.0.1' })
  client.pipe(upstream).pipe(client)
  const close = () => {
    client.destroy()
    upstream.destroy()
  }
  client.on('error', close)
  upstream.on('error', close)
})
server.listen(listen, '127.0.0.1', () => console.log(`balancing 127.0.0.1:${listen} over ${backends.map((p) => `:${p}`).join(', ')}`))
