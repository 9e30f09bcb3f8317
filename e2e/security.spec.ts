import { expect, test, type Page } from '@playwright/test'
import { LABS } from '../lib/labs/catalogue'
import { inspectorRow, openLab, outsideRedis, rows } from './support'

/** Records every Content Security Policy violation the page reports. */
async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] }
    w.__csp = []
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`))
  })
  return () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)
}

const PAGES = ['/', ...LABS.map((l) => `/labs/${l.id}`), '/interview', '/interview/quiz', '/interview/print', '/classroom', '/join', '/no-such-page']

test('every page runs under its Content Security Policy without a violation', async ({ page }) => {
  const violations = await watchCsp(page)
  for (const path of PAGES) {
    const res = await page.goto(path)
    const csp = res!.headers()['content-security-policy'] ?? ''
    expect(csp, path).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/)
    expect(res!.headers()['x-frame-options'], path).toBe('DENY')
    expect(res!.headers()['x-content-type-options'], path).toBe('nosniff')
    // Hydrated and (on a lab) connected: everything the page runs has run.
    await expect(page.locator('nav[aria-label="Main"]')).toBeVisible()
    if (path.startsWith('/labs/')) await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'live')
    await page.waitForTimeout(300)
    expect(await violations(), path).toEqual([])
  }
})

test('markup that got into a page could not run: inline handlers and scripts without the nonce are refused', async ({ page }) => {
  const violations = await watchCsp(page)
  await page.goto('/')
  // What a markup injection would add: an inline event handler, and a script the server did not send.
  await page.evaluate(() => {
    document.body.insertAdjacentHTML('beforeend', '<img src="data:," onerror="window.__injected = 1" alt="">')
    document.body.insertAdjacentHTML('beforeend', '<iframe srcdoc="<script>parent.__injected = 2</script>"></iframe>')
  })
  await page.waitForTimeout(300)
  expect(await page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined()
  expect((await violations()).some((v) => v.startsWith('script-src'))).toBe(true)
})

const PROBE = '<img src=x onerror="window.__xss=1">'

test('markup in every field a visitor controls is shown as text, never run', async ({ page, browser }) => {
  const prefix = await openLab(page)
  // A user's new name, through the lab's own update form … (the TTL lab's update sets a name only over the API)
  const room = prefix.split(':')[1]!
  const res = await page.request.post(`/api/rooms/${room}/actions`, { data: { lab: 'ttl', action: 'update', userId: 1, name: PROBE } })
  expect(res.status()).toBe(200)
  await page.getByRole('button', { name: 'Read user' }).click()
  await expect(inspectorRow(page, 'user:1')).toContainText(PROBE)

  // … a key and a value written from outside with redis-cli …
  const redis = outsideRedis()
  try {
    await redis.set(`${prefix}${PROBE}`, PROBE, 'PX', 20_000)
    await expect(rows(page, 'set', { src: 'outside' }).first()).toContainText(PROBE)
  } finally {
    await redis.del(`${prefix}${PROBE}`)
    redis.disconnect()
  }
  // … the timeline filter …
  await page.getByLabel('Filter the timeline').fill(PROBE)
  await expect(page.locator('img[src="x"]')).toHaveCount(0)
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined()

  // … and a classroom display name, on the host's screen.
  const host = await browser.newContext()
  const phone = await browser.newContext()
  try {
    const hostPage = await host.newPage()
    await hostPage.goto('/classroom')
    await hostPage.getByRole('button', { name: 'Start a session' }).click()
    const code = (await hostPage.getByTestId('join-code').textContent())!.replace('-', '')
    const phonePage = await phone.newPage()
    await phonePage.goto(`/join/${code}`)
    await phonePage.getByLabel('Your display name').fill(PROBE.slice(0, 30))
    await phonePage.getByRole('button', { name: 'Join the session' }).click()
    await expect(phonePage.getByTestId('my-name')).toHaveText(PROBE.slice(0, 30))
    await expect(hostPage.getByTestId('presence-names')).toHaveText(PROBE.slice(0, 30))
    for (const p of [hostPage, phonePage]) {
      await expect(p.locator('img[src="x"]')).toHaveCount(0)
      expect(await p.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined()
    }
  } finally {
    await host.close()
    await phone.close()
  }
})
