import type { NextConfig } from 'next'

const config: NextConfig = {
  // The engine (PGlite, ioredis, pg) runs in the custom server, never in Next's bundles; listing them keeps
  // them out even if a server component ever imports one by mistake.
  serverExternalPackages: ['@electric-sql/pglite', 'ioredis', 'pg'],
  poweredByHeader: false,
  reactStrictMode: true,
  devIndicators: false,
  // `npm run typecheck` checks the whole project (server and tests too) in CI; the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
}

export default config
