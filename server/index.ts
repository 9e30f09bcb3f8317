/**
 * Starts Cache Invalidation Lab: one process serving the pages (Next.js), the HTTP API, socket.io and the
 * engine. Configuration comes from the environment (see config.ts and the README). SIGINT/SIGTERM close
 * everything in order: sockets, engine, Redis connections, the database, a spawned redis-server.
 */
import { startApp } from './app'
import { ConfigError, resolveConfig } from './config'
import { logger, setLogLevel } from './log'
import { RedisNotFound } from './redis/resolve'

const log = logger('server')

async function main(): Promise<void> {
  const config = resolveConfig()
  setLogLevel(config.logLevel)
  const started = performance.now()
  const app = await startApp({ config })
  log.info(`ready on ${app.url} in ${Math.round(performance.now() - started)} ms (${config.dev ? 'development' : 'production'})`)

  let closing = false
  const shutdown = (signal: string) => {
    if (closing) return
    closing = true
    log.info(`${signal}: shutting down`)
    const force = setTimeout(() => {
      log.error('shutdown took longer than 10 s; exiting anyway')
      process.exit(1)
    }, 10_000)
    force.unref()
    app.close().then(
      () => process.exit(0),
      (err) => {
        log.error('shutdown failed', err)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
}

// A stray rejection or exception is logged, not fatal: one room's bug must not take down everyone's lab.
process.on('unhandledRejection', (reason) => log.error('unhandled rejection', reason))
process.on('uncaughtException', (err) => log.error('uncaught exception', err))

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof RedisNotFound) {
    process.stderr.write(`\n${err.message}\n\n`)
  } else {
    log.error('could not start', err)
  }
  process.exit(1)
})
