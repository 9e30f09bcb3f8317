import { expect, test, type Page } from '@playwright/test'
import { COMBINED_FAULTS } from '../lib/labs/best-practices'
import { finishStep, openLab, outsideRedis, rows, step } from './support'

const choice = (page: Page, group: string, option: string) =>
  page.getByRole('radiogroup', { name: group }).getByRole('radio', { name: option, exact: true })
const redisButton = (page: Page, name: string) =>
  page.getByRole('group', { name: 'Redis for this room' }).getByRole('button', { name, exact: true })
const arm = (page: Page, name: 'ttl' | 'nottl') => page.locator(`[data-testid="arms"] [data-arm="${name}"]`)

test('a new learner walks through the best practices: Redis down and back, a failing database, TTL or none, combined layers, the dashboard', async ({
  page,
}) => {
  test.setTimeout(240_000)
  const prefix = await openLab(page, 'best-practices')
  const redis = outsideRedis()
  try {
    // 1. A steady load over both app servers
    await expect(step(page)).toHaveAttribute('data-step', 'baseline')
    await choice(page, 'Load (users 1–10, 20% writes, both servers)', '5 / s').click()
    await expect(rows(page, 'hit').first()).toBeVisible({ timeout: 15_000 })
    await finishStep(page, 'baseline')

    // 2. Frozen: reads give up after 200 ms of silence and fall back to the database
    await redisButton(page, 'Frozen').click()
    await expect(page.getByTestId('redis-status')).toHaveAttribute('data-mode', 'frozen')
    await page.getByRole('button', { name: 'Read user', exact: true }).click()
    await expect(rows(page, 'cache-error').first()).toBeVisible()
    await expect(page.getByTestId('down-latency')).toBeVisible()
    // Redis itself is fine for everyone else.
    expect(await redis.ping()).toBe('PONG')
    await finishStep(page, 'frozen')

    // 3. Refused: commands fail at once
    await redisButton(page, 'Down').click()
    await expect(page.getByTestId('redis-status')).toHaveAttribute('data-mode', 'refused')
    await finishStep(page, 'redis-down')

    // 4. A write succeeds; its delete fails, is logged and counted
    await page.getByRole('button', { name: 'Write user', exact: true }).click()
    await expect(rows(page, 'update', { key: 'user:1' }).first()).toBeVisible()
    await expect(page.getByTestId('invalidation-log')).toContainText('delete of user:1 failed')
    await expect
      .poll(async () => Number(await page.getByTestId('failed-invalidations').textContent()))
      .toBeGreaterThan(0)
    await finishStep(page, 'writes-still-work')

    // 5. Back up: the clients reconnect on their own and hits return
    await redisButton(page, 'Up').click()
    await expect(page.getByTestId('redis-status')).toContainText('first cache hit', { timeout: 15_000 })
    await finishStep(page, 'recovery')

    // 6. The database fails: cached reads keep hitting, misses and writes fail
    await page.getByRole('button', { name: 'Working: make it fail' }).click()
    await expect(rows(page, 'db-error').first()).toBeVisible({ timeout: 15_000 })
    await finishStep(page, 'db-failing')
    await page.getByRole('button', { name: 'Failing: make it work' }).click()
    await choice(page, 'Load (users 1–10, 20% writes, both servers)', 'off').click()
    await finishStep(page, 'db-working')

    // 7. The same missed invalidation with and without a TTL
    await page.getByRole('button', { name: 'Miss an invalidation' }).click()
    await expect(arm(page, 'nottl')).toHaveAttribute('data-stale', 'true')
    await expect(arm(page, 'ttl')).toHaveAttribute('data-stale', 'true')
    expect(await redis.pttl(`${prefix}user:2`)).toBe(-1)
    await finishStep(page, 'missed')
    await expect(rows(page, 'expired', { key: 'user:1', src: 'redis' }).first()).toBeVisible({ timeout: 15_000 })
    await page.getByRole('button', { name: 'Read both' }).click()
    await expect(arm(page, 'ttl')).toHaveAttribute('data-stale', 'false')
    await expect(arm(page, 'nottl')).toHaveAttribute('data-stale', 'true')
    await finishStep(page, 'missed-after')

    // 8. The keyspace of both arms, in Redis's figures
    await page.getByRole('button', { name: 'Start post reads' }).click()
    await expect(page.getByTestId('keyspace-chart')).toHaveAttribute('data-series', /no TTL/, { timeout: 15_000 })
    await page.waitForTimeout(6000)
    await page.getByRole('button', { name: 'Stop post reads' }).click()
    await expect(page.getByTestId('keyspace-figures')).toContainText('Without')
    await finishStep(page, 'keyspace')

    // 9. The combined strategy: a lost event is ended by the L1 TTL on app2
    await page
      .locator('[data-testid="combined-table"] tr[data-fault="event"]')
      .getByRole('button', { name: 'Run' })
      .click()
    await expect(page.locator('[data-testid="combined-table"] tr[data-fault="event"]')).toHaveAttribute(
      'data-saved-by',
      'L1 TTL',
      {
        timeout: 30_000,
      },
    )
    await finishStep(page, 'combined')

    // 10. The dashboard, from the room's own /metrics lines
    await expect(page.getByTestId('monitor-charts')).toBeVisible()
    await page.getByText("This room's lines of /metrics").click()
    await expect(page.getByTestId('metrics-lines')).toContainText(
      `cachelab_invalidations_total{room="${prefix.split(':')[1]}"}`,
    )
    await page.getByRole('heading', { name: 'Partial failures' }).scrollIntoViewIfNeeded()
    await page.screenshot({ path: 'docs/screenshots/best-practices-lab.png' })
    await page.screenshot({ path: 'test-results/best-practices-desktop-full.png', fullPage: true })
    await page.setViewportSize({ width: 390, height: 844 })
    await page.waitForTimeout(1500)
    await page.screenshot({ path: 'test-results/best-practices-phone.png', fullPage: true })
  } finally {
    redis.disconnect()
  }
})

test('on a phone every Run button of the combined strategies is on screen, and a run fills its card', async ({
  page,
}) => {
  const phone = { width: 390, height: 844 }
  await page.setViewportSize(phone)
  await openLab(page, 'best-practices')
  const runs = page.getByTestId('combined-table').getByRole('button', { name: 'Run', exact: true })
  await expect(runs).toHaveCount(COMBINED_FAULTS.length)
  // Measured where the page put them, without scrolling: scrolling a button into view would also scroll a
  // table that overflows sideways and hide the very fault this looks for.
  for (const run of await runs.all()) {
    const box = await run.boundingBox()
    expect(box).not.toBeNull()
    expect(box!.x).toBeGreaterThanOrEqual(0)
    expect(box!.x + box!.width).toBeLessThanOrEqual(phone.width)
  }

  // The worst fault, whose labels are the longest: its figures and the layer that saved it (none) show in its card.
  const card = page.locator('[data-testid="combined-table"] tr[data-fault="no-ttl+write-through"]')
  await card.getByRole('button', { name: 'Run' }).click()
  await expect(card).toHaveAttribute('data-saved-by', 'nothing', { timeout: 30_000 })
  await expect(card).toContainText('still stale')
  await expect(card).toContainText('saved by nothing: stale until the next write')
  const box = await card.boundingBox()
  expect(box!.x + box!.width).toBeLessThanOrEqual(phone.width)
  await card.scrollIntoViewIfNeeded()
  await page.screenshot({ path: 'test-results/best-practices-combined-phone.png' })
})
