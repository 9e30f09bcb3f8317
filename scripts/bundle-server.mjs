// `npm run build` runs this after `next build`: the custom server (server/index.ts and everything it
// imports from server/ and lib/) bundled into one ES module, .next/cachelab-server.mjs, with the packages
// left as imports. `npm start` runs that file with plain Node: no TypeScript loader, no per-module
// transpiling and resolving, which was a third of the start-up time. Plain Node, so it runs anywhere.
import { build } from 'esbuild'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
export const SERVER_BUNDLE = path.join(root, '.next', 'cachelab-server.mjs')

await build({
  entryPoints: [path.join(root, 'server', 'index.ts')],
  outfile: SERVER_BUNDLE,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  // For NODE_OPTIONS=--enable-source-maps (start.mjs leaves maps off otherwise).
  sourcemap: 'linked',
  logLevel: 'warning',
})
console.log(`Server bundled: ${path.relative(root, SERVER_BUNDLE)}`)
