/**
 * How this project runs Chromium: Debian's build (Playwright's own browser download cannot work here),
 * without the background traffic that a closed network refuses. Shared by the e2e config and the
 * browser benchmark.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
]
