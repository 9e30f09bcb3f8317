import { expect, test, type Page } from '@playwright/test'
import { finishStep, openLab, rows, step } from './support'

const strategy = (page: Page, label: string) =>
  page.getByRole('radiogroup', { name: 'Strategy' }).getByRole('radio', { name: label, exact: true })
const queries = (page: Page) => page.getByTestId('burst-queries')

test('a new learner fires a stampede, then the same burst behind a lock, then every strategy side by side', async ({ page }) => {
  test.setTimeout(180_000)
  await openLab(page, 'stampede')
  await expect(step(page)).toHaveAttribute('data-step', 'stampede')

  // 1. No protection: 1000 requests at an expired key make 1000 database queries.
  await strategy(page, 'No protection').click()
  await expect(strategy(page, 'No protection')).toHaveAttribute('aria-checked', 'true')
  await expect(page.getByLabel('Requests in the burst')).toHaveValue('1000')
  await page.getByRole('button', { name: 'Fire burst' }).click()
  await expect(queries(page)).toHaveText('1000', { timeout: 60_000 })
  await expect(page.getByRole('progressbar', { name: 'Burst progress' })).toHaveAttribute('aria-valuenow', '1000')
  expect(Number(await page.getByTestId('burst-peak').textContent())).toBeGreaterThan(100)
  await expect(page.getByTestId('outcome-histogram').locator('svg').first()).toBeVisible()
  await expect(page.getByTestId('latency-distribution').locator('svg').first()).toBeVisible()
  // A few requests are drawn in full; the timeline does not get a thousand rows.
  await expect(rows(page, 'query').first()).toBeVisible()
  expect(await rows(page, 'query').count()).toBeLessThanOrEqual(20)
  await finishStep(page, 'stampede')

  // 2. The lock: one query.
  await strategy(page, 'Lock (SET NX PX)').click()
  await expect(strategy(page, 'Lock (SET NX PX)')).toHaveAttribute('aria-checked', 'true')
  await page.getByRole('button', { name: 'Fire burst' }).click()
  await expect(page.getByText('Lock (SET NX PX)', { exact: true }).last()).toBeVisible()
  await expect(queries(page)).toHaveText('1', { timeout: 60_000 })
  await expect(step(page)).toHaveAttribute('data-done', 'true')

  // 3. Every strategy on the same burst.
  await page.getByRole('button', { name: 'Run every strategy on the same burst' }).click()
  const table = page.getByTestId('comparison-table')
  await expect(table.locator('tbody tr')).toHaveCount(7, { timeout: 90_000 })
  await expect(table.locator('tr[data-strategy="none"] td').nth(1)).toHaveText('1000')
  await expect(table.locator('tr[data-strategy="lock"] td').nth(1)).toHaveText('1')
  await expect(table.locator('tr[data-strategy="coalescing"] td').nth(1)).toHaveText('1')
  await expect(table.locator('tr[data-strategy="leases"] td').nth(1)).toHaveText('1')
  await expect(page.getByTestId('xfetch-plot').locator('svg').first()).toBeVisible()
  await page.screenshot({ path: 'docs/screenshots/stampede-lab.png', fullPage: false })
})
