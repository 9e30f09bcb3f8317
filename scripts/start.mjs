// `npm start`: make sure there are dependencies, a production build (with the server bundle) and a prepared
// database (ensure-build.mjs), then run the bundled server (scripts/bundle-server.mjs) in this same process,
// so start-up pays for one Node process, not two, and for no TypeScript loader.
// package.json starts this with --max-semi-space-size=128: a big young generation lets the short-lived
// objects of a burst of requests die there instead of being copied and promoted. With 1000 requests in
// flight, every scavenge copies what those requests hold (a few MB); the fewer scavenges, the less copying
// (measured, bench hit-path: 32 MB gave 49-63k cache hits/s with a swing of ±10% between rounds, 128 MB
// 67-68k steadily). V8 grows the young generation only under load, so an idle server does not pay for it.
await import('./ensure-build.mjs')

process.env.NODE_ENV = 'production'
process.env.NEXT_TELEMETRY_DISABLED = '1'
await import('../.next/cachelab-server.mjs')
