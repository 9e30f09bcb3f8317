/**
 * The app as a child process of its own (without Next.js), for tests and benches that must kill it with
 * SIGKILL the way a crash does: configured from the environment like `npm start`, it prints `READY <url>` on
 * stdout once it listens, and closes in order on SIGTERM.
 */
import { startApp } from '../app'
import { resolveConfig } from '../config'
import { setLogLevel } from '../log'

const config = resolveConfig()
setLogLevel(config.logLevel)
const app = await startApp({ config, next: false })
process.stdout.write(`READY ${app.url}\n`)
process.on('SIGTERM', () => void app.close().finally(() => process.exit(0)))
