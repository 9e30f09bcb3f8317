import { expect, test } from '@playwright/test'
import { openLab, rows } from './support'

test('the home page presents the product and lists the labs', async ({ page }) => {
  await page.goto('/')
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Cache invalidation')
  await page.getByRole('link', { name: /TTL and adaptive TTL/ }).first().click()
  await expect(page).toHaveURL(/\/labs\/ttl$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('TTL and adaptive TTL')
})

test('the lab works from the keyboard', async ({ page }) => {
  await openLab(page)
  const read = page.getByRole('button', { name: 'Read user', exact: true })
  await read.focus()
  await page.keyboard.press('Enter')
  await expect(rows(page, 'miss', { key: 'user:1' })).toHaveCount(1)
  await page.keyboard.press('Tab')
  await expect(page.getByRole('button', { name: 'Update in DB' })).toBeFocused()
  await page.keyboard.press('Space')
  await expect(rows(page, 'update', { key: 'user:1' })).toHaveCount(1)
})

test('a value the server rejects is explained, and the lab keeps working', async ({ page }) => {
  await openLab(page)
  await page.getByLabel('Custom TTL in seconds').fill('0')
  await page.getByRole('button', { name: 'Set TTL' }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'seconds' })).toBeVisible()
  await page.getByRole('button', { name: 'Read user', exact: true }).click()
  await expect(rows(page, 'set', { key: 'user:1' })).toHaveCount(1)
})

test('phone width and dark mode', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' })
  const page = await context.newPage()
  await openLab(page)
  await expect(page.locator('html')).toHaveClass(/dark/)
  await page.getByRole('button', { name: 'Read user', exact: true }).click()
  await expect(rows(page, 'set', { key: 'user:1' })).toHaveCount(1)
  // Nothing is wider than the screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  expect(overflow).toBeLessThanOrEqual(0)
  await context.close()
})
