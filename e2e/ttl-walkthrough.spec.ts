import { expect, test } from '@playwright/test'
import { finishStep, inspectorRow, openLab, outsideRedis, rows, step } from './support'

test('a new learner walks through the TTL lab and sees real reads, misses, sets, stale reads and expiries', async ({ page }) => {
  const prefix = await openLab(page)
  const redis = outsideRedis()
  try {
    // 1. The room
    await expect(step(page)).toHaveAttribute('data-step', 'room')
    await expect(page.locator('[data-region="room"]')).toHaveClass(/region-highlight/)
    await page.getByRole('button', { name: 'Next step' }).click()

    // 2. First read: a miss, a query, a set with the TTL
    await page.getByRole('button', { name: 'Read user', exact: true }).click()
    await expect(rows(page, 'miss', { key: 'user:1' })).toHaveCount(1)
    await expect(rows(page, 'query', { key: 'user:1' })).toHaveCount(1)
    await expect(rows(page, 'set', { key: 'user:1', src: 'app' })).toHaveCount(1)
    // The key is really in Redis, with the warm TTL (20 s) counting down.
    const pttl = await redis.pttl(`${prefix}user:1`)
    expect(pttl).toBeGreaterThan(15_000)
    expect(pttl).toBeLessThanOrEqual(20_000)
    await finishStep(page, 'first-read')

    // 3. Second read: a hit, no query
    await page.getByRole('button', { name: 'Read user', exact: true }).click()
    await expect(rows(page, 'hit', { key: 'user:1' })).toHaveCount(1)
    await expect(rows(page, 'query', { key: 'user:1' })).toHaveCount(1)
    await finishStep(page, 'second-read')

    // 4. Update the database only: the inspector shows the cache is now stale
    await page.getByRole('button', { name: 'Update in DB' }).click()
    await expect(rows(page, 'update', { key: 'user:1' })).toHaveCount(1)
    const inspected = inspectorRow(page, 'user:1')
    await expect(inspected).toHaveAttribute('data-stale', 'true')
    await expect(inspected).toContainText('v1')
    await expect(inspected).toContainText('v2')
    await expect(inspected).toContainText('stale for')
    await finishStep(page, 'update')

    // 5. Read again: a stale read, flagged by the oracle
    await page.getByRole('button', { name: 'Read user', exact: true }).click()
    await expect(rows(page, 'stale-read', { key: 'user:1' })).toHaveCount(1)
    await expect(page.locator('[data-stat="Stale reads"]')).toHaveText('1')
    await finishStep(page, 'stale-read')

    // 6. Expire now: Redis expires the key and reports it
    await page.getByRole('button', { name: 'Expire now' }).click()
    await expect(rows(page, 'expired', { key: 'user:1', src: 'redis' })).toHaveCount(1)
    expect(await redis.exists(`${prefix}user:1`)).toBe(0)
    await finishStep(page, 'expiry')

    // 7. Fresh read after the expiry: a miss and the new version
    await page.getByRole('button', { name: 'Read user', exact: true }).click()
    await expect(rows(page, 'miss', { key: 'user:1' })).toHaveCount(2)
    await expect(inspectorRow(page, 'user:1')).toHaveAttribute('data-stale', 'false')
    await expect(inspectorRow(page, 'user:1')).toContainText('fresh')
    await finishStep(page, 'fresh-read')

    // 8. Adaptive TTL: the hot class caches for 5 s
    await page.getByRole('radio', { name: /Hot/ }).click()
    await expect(page.getByTestId('ttl-now')).toContainText('5 s')
    await finishStep(page, 'data-class')

    // 9. From outside: a learner's redis-cli SET shows up, marked as outside, and then expires
    await redis.set(`${prefix}user:7`, 'hello', 'PX', 1500)
    await expect(rows(page, 'set', { key: 'user:7', src: 'outside' })).toHaveCount(1)
    await expect(rows(page, 'set', { key: 'user:7', src: 'outside' })).toContainText('hello')
    await expect(rows(page, 'expired', { key: 'user:7', src: 'redis' })).toHaveCount(1, { timeout: 5000 })
    await finishStep(page, 'outside')

    // 10. The background load moves the figures on its own; "Do it for me" runs the step's action
    await page.getByRole('button', { name: 'Do it for me' }).click()
    await expect(rows(page, 'setting').last()).toContainText('load')
    await expect(step(page)).toHaveAttribute('data-done', 'true')
    await expect(page.getByRole('button', { name: 'Stop load' })).toBeVisible()
    await expect
      .poll(async () => Number(await page.locator('[data-stat="DB queries"]').textContent()), { timeout: 15_000 })
      .toBeGreaterThan(3)
    await page.waitForTimeout(3000)
    await page.screenshot({ path: 'docs/screenshots/ttl-lab.png', fullPage: false })
    await page.getByRole('button', { name: 'Stop load' }).click()
    await expect(page.getByRole('button', { name: 'Start load' })).toBeVisible()
  } finally {
    redis.disconnect()
  }
})
