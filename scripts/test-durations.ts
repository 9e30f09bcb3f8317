/**
 * Writes server/test-support/test-durations.json from the last vitest JSON report (.ci/out/vitest.json, which
 * `.ci/run` writes), so the test sequencer keeps running the slowest files first.
 */
import { readFileSync, writeFileSync } from 'node:fs'

interface Report {
  testResults: { name: string; startTime: number; endTime: number }[]
}
const report = JSON.parse(readFileSync(process.argv[2] ?? '.ci/out/vitest.json', 'utf8')) as Report
const root = `${process.cwd()}/`
const seconds = Object.fromEntries(
  report.testResults
    .map((f) => [f.name.replace(root, ''), Math.round((f.endTime - f.startTime) / 100) / 10] as const)
    .sort((a, b) => b[1] - a[1]),
)
writeFileSync('server/test-support/test-durations.json', `${JSON.stringify(seconds, null, 2)}\n`)
console.log(`test durations of ${Object.keys(seconds).length} files written`)
