import { expect, test } from '@playwright/test'
import { finishStep, openLab, rows, step } from './support'

test('a new learner sees a lost Pub/Sub message, a stream that catches up, and the modes compared', async ({ page }) => {
  await openLab(page, 'event-driven')

  // Step 1: three servers read user 1, each keeps an L1 copy (one lane per server on the timeline).
  await expect(step(page)).toHaveAttribute('data-step', 'servers')
  await page.getByRole('button', { name: 'Read on every server' }).click()
  for (const node of ['app1', 'app2', 'app3']) {
    await expect(page.locator(`[data-testid="timeline-scroller"] [data-kind="l1-set"][data-key="user:1"]`)).toHaveCount(3)
    await expect(page.getByRole('columnheader', { name: `${node} L1` })).toBeVisible()
  }
  await expect(page.locator('[data-testid="inspector-table"] tr[data-key="user:1"] [data-l1="app3"]')).toContainText('v1')
  await finishStep(page, 'servers')

  // Pub/Sub with app3's subscriber down: PUBLISH reaches 2 of 3, and app3 serves the old value afterwards.
  await page.getByRole('radio', { name: 'Pub/Sub' }).click()
  await page.getByRole('radio', { name: 'app3' }).click()
  await page.getByRole('button', { name: "Take app3's listener down" }).click()
  await expect(page.locator('[data-server="app3"]')).toHaveAttribute('data-listener', 'down')
  await page.getByRole('radio', { name: 'app1' }).click()
  await page.getByRole('button', { name: 'Write on app1' }).click()
  await expect(rows(page, 'publish', { key: 'user:1' })).toContainText('2/3 subscribers')
  await page.getByRole('radio', { name: 'app3' }).click()
  await page.getByRole('button', { name: "Bring app3's listener back" }).click()
  await expect(page.locator('[data-server="app3"]')).toHaveAttribute('data-listener', 'up')
  await page.getByRole('button', { name: 'Read on every server' }).click()
  await expect(page.locator('[data-testid="timeline-scroller"] [data-kind="stale-read"][data-key="user:1"]')).toHaveCount(1)
  await expect(page.locator('[data-server="app3"]')).toContainText('lost')
  await expect(page.locator('[data-testid="inspector-table"] tr[data-key="user:1"]')).toHaveAttribute('data-stale', 'true')

  // The stream: the same outage, and app3 catches up when it returns.
  await page.getByRole('radio', { name: 'Stream' }).click()
  await page.getByLabel('User id').fill('2')
  await page.getByRole('button', { name: 'Read on every server' }).click()
  await page.getByRole('button', { name: "Take app3's listener down" }).click()
  await page.getByRole('radio', { name: 'app1' }).click()
  await page.getByRole('button', { name: 'Write on app1' }).click()
  await page.getByRole('radio', { name: 'app3' }).click()
  await page.getByRole('button', { name: "Bring app3's listener back" }).click()
  await expect(page.locator('[data-testid="timeline-scroller"] [data-kind="ack"][data-key="user:2"]').first()).toBeVisible()
  await expect(page.locator('[data-server="app3"]')).toContainText('offset')

  // All modes compared: only the outbox ends with nothing stale.
  await page.getByRole('button', { name: 'Compare all modes' }).click()
  const table = page.getByTestId('compare-table')
  await expect(table).toBeVisible({ timeout: 60_000 })
  await expect(table.locator('tr[data-mode="outbox"] [data-stale]')).toHaveAttribute('data-stale', '0')
  await expect(table.locator('tr[data-mode="pubsub"] [data-stale]')).not.toHaveAttribute('data-stale', '0')
  await page.screenshot({ path: 'docs/screenshots/event-driven-lab.png', fullPage: false })
})
