/**
 * `npm run chaos`: the fault matrix with a real browser watching. For each fault an app is started with a
 * redis-server (and, for the PostgreSQL fault, a PostgreSQL cluster) of its own, socket clients join a room,
 * a driver reads steadily, and Chromium shows the TTL lab; the fault is injected, held and healed. Prints
 * how long until every page showed it, how the reads fared, how long recovery took and whether any event
 * went missing; writes bench/out/chaos.json; exits 1 if a fault was not shown, survived and recovered from.
 * Pages need a production build (`npm run build`); without one the browser is left out.
 *
 * With the browser, each fault runs in a process of its own (this script again, with the fault's id): every
 * fault's app starts its own Next.js server, and a second Next.js server in one process inherits process-wide
 * state from the first, closed one (its `after()` awaiter), so Next.js logged "Cannot call waitUntil() on an
 * AwaiterOnce that was already awaited" from the second fault on.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { chromium, type Browser } from '@playwright/test'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium'
import { OUT_DIR } from '../bench/bench'
import { benchDataDir } from '../bench/data-dir'
import { removeDataDir } from '../server/db/template'
import { FAULTS } from '../server/chaos/faults'
import { httpProblems } from '../server/chaos/http-prober'
import { runFault, type FaultReport, type Marks } from '../server/chaos/run'
import { ROOT } from '../server/app'
import { setLogLevel } from '../server/log'

setLogLevel('error')
const withBrowser = existsSync(path.join(ROOT, '.next', 'BUILD_ID'))
const only = process.argv[2]
/** Set for a child running one fault: where it writes its report for the parent. */
const childReport = process.env.CHAOS_REPORT_FILE

if (withBrowser && !only) {
  // One process per fault (see the top of this file); the parent collects their reports.
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'cachelab-chaos-'))
  const all: FaultReport[] = []
  let anyFailed = false
  for (const fault of FAULTS) {
    const file = path.join(tmp, `${fault.id}.json`)
    const child = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, fault.id], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, CHAOS_REPORT_FILE: file },
    })
    anyFailed ||= child.status !== 0
    if (existsSync(file)) all.push(...(JSON.parse(readFileSync(file, 'utf8')) as FaultReport[]))
    else anyFailed = true
  }
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(OUT_DIR, { recursive: true })
  writeFileSync(path.join(OUT_DIR, 'chaos.json'), JSON.stringify(all, null, 2))
  process.exit(anyFailed ? 1 : 0)
}

/**
 * Chromium on the TTL lab, recording in the page every time the status banner appears or goes (a
 * MutationObserver, with the page's wall clock). Polling the page from here missed banners: with the app, the
 * driver and Next.js in this process on a busy machine, seconds passed between two samples.
 */
const RECORD_BANNER = `{
  const log = []
  let last
  const look = () => {
    const banner = document.querySelector('[data-testid="status-banner"]') !== null
    if (banner !== last) log.push({ at: Date.now(), banner })
    last = banner
  }
  window.bannerLog = log
  new MutationObserver(look).observe(document.body, { childList: true, subtree: true })
  look()
}`

function browserWatcher(browser: Browser) {
  return (url: string, marks: Marks) => {
    const ready = (async () => {
      const page = await browser.newPage()
      await page.goto(`${url}/labs/ttl`)
      await page.getByText('Key inspector').first().waitFor()
      // A string, not a function: tsx would wrap a function's inner names in a helper the page lacks.
      await page.evaluate(RECORD_BANNER)
      return page
    })()
    return {
      ready,
      async done() {
        const page = await ready
        const log = (await page.evaluate('window.bannerLog')) as { at: number; banner: boolean }[]
        await page.close()
        // The page's wall clock on this process's performance clock (same machine).
        const samples = log.map((e) => ({ at: e.at - performance.timeOrigin, banner: e.banner }))
        const up = samples.find((s) => s.banner && s.at >= (marks.injected ?? Infinity))
        const down = samples.find((s) => !s.banner && s.at >= (marks.healed ?? Infinity))
        return {
          bannerAfterMs: up ? Math.round(up.at - marks.injected!) : null,
          bannerGoneAfterHealMs: down ? Math.round(down.at - marks.healed!) : null,
        }
      },
    }
  }
}

const reports: FaultReport[] = []
let failed = false
const browser = withBrowser ? await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS }) : undefined
if (!browser) process.stdout.write('no production build: running without a browser (npm run build first to include one)\n')
try {
  for (const fault of FAULTS.filter((f) => !only || f.id === only)) {
    // Each fault's app on a fresh copy of the bench template: never the dev database, never another run's.
    const pgliteDir = await benchDataDir(`chaos-${fault.id}`)
    try {
      const r = await runFault(fault, { pgliteDir, watchers: 3, next: !!browser, observe: browser && browserWatcher(browser) })
      reports.push(r)
      const httpIssues = httpProblems(fault.shows, r.http)
      const ok =
        httpIssues.length === 0 &&
        r.unhandled.length === 0 &&
        r.appAnswersAfter &&
        r.reads.unanswered === 0 &&
        r.reads.failedUnclearly === 0 &&
        r.missingEvents === 0 &&
        r.recoveredAfterMs !== null &&
        (fault.shows === 'nothing-needed' || r.watchersShowing === r.watchers)
      failed ||= !ok
      const d = r.reads.duringFault
      process.stdout.write(
        [
          `${ok ? 'ok  ' : 'FAIL'} ${r.title}`,
          `     shown on every page after ${r.shownAfterMs ?? '-'} ms${r.observed ? `; browser banner after ${r.observed.bannerAfterMs ?? '-'} ms, gone ${r.observed.bannerGoneAfterHealMs ?? '-'} ms after the heal` : ''}`,
          `     reads during the fault: ${d.total} (${d.ok} answered, ${d.failedClearly} failed with a clear error, slowest ${d.slowestMs} ms)`,
          `     recovered ${r.recoveredAfterMs ?? '-'} ms after the heal; ${r.eventsSeen} events seen, ${r.missingEvents} missing; ${r.unhandled.length} unhandled errors`,
          ...Object.entries(r.reads.errors).map(([m, n]) => `     ${n} × ${m}`),
          `     HTTP during the fault: ${Object.entries(r.http.duringFault).map(([route, by]) => `${route} ${Object.entries(by).map(([st, n]) => `${n}×${st}`).join('/')}`).join(', ')}`,
          ...httpIssues.map((p) => `     HTTP: ${p}`),
        ].join('\n') + '\n',
      )
    } finally {
      removeDataDir(pgliteDir)
    }
  }
} catch (err) {
  process.stderr.write(`chaos failed: ${(err as Error).stack ?? String(err)}\n`)
  failed = true
} finally {
  await browser?.close()
}
if (childReport) writeFileSync(childReport, JSON.stringify(reports))
else {
  mkdirSync(OUT_DIR, { recursive: true })
  writeFileSync(path.join(OUT_DIR, 'chaos.json'), JSON.stringify(reports, null, 2))
}
process.exit(failed ? 1 : 0)
