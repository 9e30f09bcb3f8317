/**
 * What a benchmark is, and how one runs on its own (`node --import tsx bench/hit-path.ts`). The runner for
 * several is index.ts.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Report, type Reporter } from './report'

export interface Bench {
  /** Used on the command line (`npm run bench -- hit-path`) and in results.json. */
  id: string
  summary: string
  run(report: Reporter): Promise<void>
}

export const OUT_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'out')

/** True when `moduleUrl` is the file node was started with. */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1]
  return entry !== undefined && path.resolve(entry) === fileURLToPath(moduleUrl)
}

/** Runs one bench, writes bench/out/<id>.json, and exits (1 if it threw). */
export async function runStandalone(bench: Bench): Promise<never> {
  const report = new Report()
  const started = performance.now()
  let error: string | undefined
  try {
    await bench.run(report.for(bench.id))
  } catch (err) {
    error = (err as Error).stack ?? String(err)
    process.stderr.write(`${bench.id} failed: ${error}\n`)
  }
  const seconds = Math.round((performance.now() - started) / 100) / 10
  report.save(path.join(OUT_DIR, `${bench.id}.json`), [{ bench: bench.id, ok: !error, seconds, error }])
  process.exit(error ? 1 : 0)
}
