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
  experimental: {
    // Next loads every route's server code at start by default; here a route loads on its first request, so
    // the first page is served sooner (the start-up target: 3 s from `npm start`) and the others pay a
    // few tens of milliseconds once.
    preloadEntriesOnStart: false,
  },
}

export default config
