/**
 * Runs the slowest test files first, so the workers finish together instead of one of them running a long file
 * alone at the end. Vitest does this by itself from its cache of the last run's durations, but a fresh clone
 * (CI) has no cache and vitest falls back to file size, which puts a small, slow file (a lab's demos, chaos)
 * last. The durations come from `test-durations.json` (seconds per file, from a vitest JSON report; refresh it
 * with `npm run test:durations` after a full run). A file not listed there is new and may be slow: it runs first.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

const DURATIONS = path.join(import.meta.dirname, 'test-durations.json')

function knownDurations(): Record<string, number> {
  try {
    return JSON.parse(readFileSync(DURATIONS, 'utf8')) as Record<string, number>
  } catch {
    return {}
  }
}

export default class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const known = knownDurations()
    const root = this.ctx.config.root
    const seconds = (f: TestSpecification) =>
      known[path.relative(root, f.moduleId).split(path.sep).join('/')] ?? Infinity
    // Vitest's own order (its cache, else size) breaks ties and orders the files it has no figure for.
    const base = await super.sort(files)
    const rank = new Map(base.map((f, i) => [f, i]))
    return [...base].sort((a, b) => seconds(b) - seconds(a) || rank.get(a)! - rank.get(b)!)
  }
}
