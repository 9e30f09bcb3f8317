/**
 * Where the project is on disk, for the files the server reads at run time (Next's build, the Lua scripts,
 * the probe worker). Found by walking up to the project's package.json rather than from this file's own
 * place, because the production server runs bundled into one file under .next/ (scripts/bundle-server.mjs).
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'

const NAME = 'cache-invalidation-lab'

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json')
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === NAME) return dir
    if (path.dirname(dir) === dir) throw new Error(`No ${NAME} package.json above ${from}`)
  }
}

export const ROOT = findRoot(import.meta.dirname)

/** A file of the project, by its path from the project root. */
export function projectFile(...parts: string[]): string {
  return path.join(ROOT, ...parts)
}
