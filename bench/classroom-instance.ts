/**
 * One more app instance for the cluster classroom bench, in its own process: startApp (no Next.js) with the
 * configuration the parent passes in BENCH_INSTANCE_ENV, on port 0. Tells the parent its port over IPC, and
 * serves connections the parent's balancer hands it (`{ type: 'connection' }` with the socket as the handle).
 * Closes cleanly on SIGTERM or when the parent goes away.
 */
import type { Socket } from 'node:net'
import { startApp } from '../server/app'
import { resolveConfig } from '../server/config'
import { setLogLevel } from '../server/log'

setLogLevel('warn')
const app = await startApp({ config: resolveConfig(JSON.parse(process.env.BENCH_INSTANCE_ENV ?? '{}') as Record<string, string>), next: false })
process.on('message', (msg: { type?: string }, handle?: unknown) => {
  if (msg.type !== 'connection' || !handle) return
  const socket = handle as Socket
  app.http.emit('connection', socket)
  socket.resume()
})
let closing = false
const stop = () => {
  if (closing) return
  closing = true
  void app.close().finally(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('disconnect', stop)
process.send?.({ type: 'ready', port: app.port })
