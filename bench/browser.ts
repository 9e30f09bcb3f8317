/**
 * The lab page under load, in Chromium against the production build: with 10,000 events already on the
 * timeline and 500 more arriving every second (real reads through the HTTP API, three events each), count
 * frames with requestAnimationFrame for 10 s. Also the page's first-load JavaScript, gzipped, and the most
 * points any chart series draws.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { chromium } from '@playwright/test'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium'
import { ROOT } from '../server/app'
import { freePort } from '../server/redis/resolve'
import { removeDataDir } from '../server/db/template'
import { isMain, runStandalone, type Bench } from './bench'
import { benchDataDir } from './data-dir'

const FILL_EVENTS = 10_000
const EVENTS_PER_SECOND = 500
/** A read that hits records three events: request, hit, response. */
const EVENTS_PER_READ = 3
const MEASURE_MS = 10_000


export const browser: Bench = {
  id: 'browser',
  summary: 'lab page frame rate under 500 events/s with 10,000 on the timeline; first-load JS',
  async run(report) {
    if (!existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) throw new Error('No production build: run `npm run build` first.')
    const dir = await benchDataDir('browser')
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    const server = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production', PORT: String(port), PGLITE_DIR: dir, LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    })
    const b = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
    try {
      await waitFor(`${base}/api/health`, server)
      report.figure('lab page first-load JavaScript (gzip)', Math.round((await firstLoadJs(base, '/labs/ttl')) / 1024), 'kB', {
        target: { op: '<=', value: 300 },
      })

      const room = (await (await post(`${base}/api/rooms`, {})).json()) as { id: string }
      const act = (body: object) => post(`${base}/api/rooms/${room.id}/actions`, { lab: 'ttl', ...body })
      await act({ action: 'read', userId: 1 }) // cached from now on: every later read is a hit
      const page = await b.newPage({ viewport: { width: 1440, height: 1000 } })
      await page.addInitScript(`localStorage.setItem('cachelab.room', ${JSON.stringify(room.id)})`)
      await page.goto(`${base}/labs/ttl`)
      await page.getByTestId('connection').and(page.locator('[data-state="live"]')).waitFor()

      // Fill the timeline to 10,000 events while the page is open, so every one of them arrives live.
      await fire(act, FILL_EVENTS / EVENTS_PER_READ, 200)
      // Polled from here, not with waitForFunction: a string predicate is compiled in the page with eval, which
      // the page's Content Security Policy refuses whenever the first check does not already pass.
      const count = page.getByTestId('timeline-count')
      const filledBy = Date.now() + 60_000
      while (Number(await count.getAttribute('data-count')) < FILL_EVENTS) {
        if (Date.now() > filledBy) throw new Error(`the timeline did not reach ${FILL_EVENTS} events within 60 s`)
        await new Promise((r) => setTimeout(r, 100))
      }

      // 500 events a second for 10 s, while counting frames.
      // A string, not a function: tsx would wrap a function in helpers the page does not have.
      await page.evaluate(
        'window.__frames = []; (function tick(t) { window.__frames.push(t); requestAnimationFrame(tick) })(performance.now())',
      )
      const readsPerTick = (EVENTS_PER_SECOND / EVENTS_PER_READ) / 10
      let carry = 0
      const sent: Promise<unknown>[] = []
      const started = Date.now()
      while (Date.now() - started < MEASURE_MS) {
        carry += readsPerTick
        const n = Math.floor(carry)
        carry -= n
        for (let i = 0; i < n; i++) sent.push(act({ action: 'read', userId: 1 }))
        await new Promise((r) => setTimeout(r, 100))
      }
      await Promise.all(sent)
      const frames = (await page.evaluate('window.__frames')) as number[]
      const inWindow = frames.filter((t) => t >= frames[0]! && t <= frames[0]! + MEASURE_MS)
      const fps = (inWindow.length - 1) / ((inWindow.at(-1)! - inWindow[0]!) / 1000)
      const perSecond: number[] = []
      for (let s = 0; s < MEASURE_MS / 1000; s++) {
        const from = frames[0]! + s * 1000
        perSecond.push(frames.filter((t) => t >= from && t < from + 1000).length)
      }
      const gaps = inWindow.slice(1).map((t, i) => t - inWindow[i]!)
      report.figure('lab page frame rate under 500 events/s (average)', Math.round(fps * 10) / 10, 'fps', {
        target: { op: '>=', value: 50 },
        detail: { perSecond, longestFrameMs: Math.round(Math.max(...gaps)), eventsSent: sent.length * EVENTS_PER_READ },
      })
      report.figure('lab page frame rate, worst second', Math.min(...perSecond), 'fps', { target: { op: '>=', value: 50 } })
      const shown = await page.locator('[data-testid="timeline-scroller"] [data-seq]').count()
      report.note(`# timeline rows rendered in the DOM at once (virtualised): ${shown}`)
      await page.close()
      await post(`${base}/api/rooms/${room.id}/actions`, { lab: 'ttl', action: 'reset' })
    } finally {
      await b.close()
      server.kill('SIGTERM')
      await new Promise((r) => server.once('exit', r))
      removeDataDir(dir)
    }
  },
}

/** Sums the gzipped size of every script the page's HTML loads on first visit. */
async function firstLoadJs(base: string, route: string): Promise<number> {
  const html = await (await fetch(base + route)).text()
  const srcs = [...new Set([...html.matchAll(/(?:src|href)="(\/_next\/static\/[^"]+\.js)"/g)].map((m) => m[1]!))]
  let total = 0
  for (const src of srcs) total += gzipSync(Buffer.from(await (await fetch(base + src)).arrayBuffer()), { level: 9 }).length
  return total
}

async function fire(act: (body: object) => Promise<Response>, count: number, concurrency: number): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1
        await act({ action: 'read', userId: 1 })
      }
    }),
  )
}

function post(url: string, body: object): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
}

async function waitFor(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`)
    try {
      if ((await fetch(url)).ok) return
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within 60 s`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

if (isMain(import.meta.url)) await runStandalone(browser)
