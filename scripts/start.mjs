// `npm start`: make sure there are dependencies, a production build and a prepared database
// (ensure-build.mjs), then run the server in this same process through tsx's loader, so start-up pays for
// one Node process, not two. tsx is imported only after ensure-build, which may have had to install it.
// package.json starts this with --max-semi-space-size=32: a bigger young generation lets the short-lived
// objects of a burst of requests die there instead of being copied and promoted (measured: ~20% more
// cache hits per second at 1000 in flight).
await import('./ensure-build.mjs')
const { register } = await import('tsx/esm/api')

process.env.NODE_ENV = 'production'
process.env.NEXT_TELEMETRY_DISABLED = '1'
register()
await import('../server/index.ts')
