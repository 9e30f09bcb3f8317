import { expect, test } from '@playwright/test'
import { openLab, rows } from './support'

test('"Show me" runs the demo on the timeline and ends with measured checks', async ({ page }) => {
  await openLab(page)
  const question = page.locator('#q-what-is-cache-invalidation')
  await question.locator('summary').click()
  await question.getByRole('button', { name: 'Show me' }).click()
  await expect(rows(page, 'marker').first()).toContainText('Demo')
  const outcome = question.getByTestId('demo-outcome')
  await expect(outcome).toHaveAttribute('data-passed', 'true', { timeout: 30_000 })
  await expect(outcome).toContainText('The read after the update was stale')
  await expect(rows(page, 'demo-result')).toContainText('proved')
})

test('a deep link opens its question', async ({ page }) => {
  await page.goto('/labs/ttl#q-why-always-set-ttl')
  await expect(page.locator('#q-why-always-set-ttl')).toHaveAttribute('open', '')
  await expect(page.locator('#q-why-always-set-ttl')).toContainText('Trade-off')
})
