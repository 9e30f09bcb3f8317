// `npm start` runs this first: build the app when there is no production build yet, and prepare the
// embedded database's data directory when it is missing (its first creation takes seconds and ~800 MB;
// reopening a prepared one takes ~0.5 s). Plain Node, no dependencies, so it runs before anything else.
import { execSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const run = (cmd) => execSync(cmd, { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } })

if (!existsSync(path.join(root, 'node_modules', '.bin', 'next'))) {
  console.log('Installing dependencies (npm ci)…')
  run('npm ci --no-audit --no-fund')
}
if (!existsSync(path.join(root, '.next', 'BUILD_ID'))) {
  // The build bundles the server and prepares the database too.
  console.log('No production build yet: building (about 30 s)…')
  run('npm run build')
} else {
  // A build from before the server was bundled: bundling alone takes a fraction of a second.
  if (!existsSync(path.join(root, '.next', 'cachelab-server.mjs'))) run('node scripts/bundle-server.mjs')
  if (!process.env.DATABASE_URL) {
    const dir = path.resolve(root, process.env.PGLITE_DIR ?? '.data/pglite')
    if (!existsSync(path.join(dir, 'PG_VERSION'))) run('node --import tsx scripts/prepare-db.ts')
  }
}
