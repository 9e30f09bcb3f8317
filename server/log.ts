/** A small leveled logger: one line per message, to stderr, with a scope. */
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const
export type LogLevel = keyof typeof LEVELS

let threshold: number = LEVELS.info

export function setLogLevel(level: LogLevel): void {
  threshold = LEVELS[level]
}

export interface Logger {
  debug(msg: string, extra?: unknown): void
  info(msg: string, extra?: unknown): void
  warn(msg: string, extra?: unknown): void
  error(msg: string, extra?: unknown): void
}

export function logger(scope: string): Logger {
  const write = (level: LogLevel) => (msg: string, extra?: unknown) => {
    if (LEVELS[level] < threshold) return
    const tail = extra === undefined ? '' : ` ${extra instanceof Error ? (extra.stack ?? extra.message) : JSON.stringify(extra)}`
    process.stderr.write(`${new Date().toISOString()} ${level.padEnd(5)} [${scope}] ${msg}${tail}\n`)
  }
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') }
}
