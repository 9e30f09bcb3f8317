import { chromium } from '@playwright/test'
const [url, out, w = '1440', h = '1000', dark] = process.argv.slice(2)
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] })
const page = await browser.newPage({ viewport: { width: +w, height: +h }, colorScheme: dark ? 'dark' : 'light' })
const logs = []
page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`))
page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`))
await page.goto(url, { waitUntil: 'networkidle' })
if (process.env.ACTIONS) { for (const a of process.env.ACTIONS.split(';')) { if (a.startsWith('click:')) await page.getByRole('button', { name: a.slice(6), exact: true }).first().click(); else if (a.startsWith('wait:')) await page.waitForTimeout(+a.slice(5)) } }
await page.waitForTimeout(1500)
await page.screenshot({ path: out, fullPage: true })
console.log(logs.join('\n'))
await browser.close()
