import { expect, test } from '@playwright/test'
import { inspectorRow, openLab, outsideRedis, rows } from './support'

test('keys changed with an outside Redis client appear on the timeline and in the inspector', async ({ page }) => {
  const prefix = await openLab(page)
  const redis = outsideRedis()
  try {
    await redis.set(`${prefix}config:theme`, 'dark')
    await expect(rows(page, 'set', { key: 'config:theme', src: 'outside' })).toHaveCount(1)
    await expect(inspectorRow(page, 'config:theme')).toContainText('dark')
    await expect(inspectorRow(page, 'config:theme')).toContainText('no TTL')

    await redis.pexpire(`${prefix}config:theme`, 800)
    await expect(rows(page, 'expire', { key: 'config:theme', src: 'outside' })).toHaveCount(1)
    await expect(rows(page, 'expired', { key: 'config:theme', src: 'redis' })).toHaveCount(1, { timeout: 5000 })
    await expect(inspectorRow(page, 'config:theme')).toHaveCount(0)

    await redis.hset(`${prefix}session:9`, 'user', '1')
    await expect(rows(page, 'cache-op', { key: 'session:9', src: 'outside' })).toContainText('hset')
    await redis.del(`${prefix}session:9`)
    await expect(rows(page, 'del', { key: 'session:9', src: 'outside' })).toHaveCount(1)

    // Keys of other rooms never show up here.
    await redis.set('lab:someoneelse1:user:1', 'x', 'PX', 500)
    await page.waitForTimeout(700)
    await expect(rows(page, 'set', { key: 'user:1' })).toHaveCount(0)
  } finally {
    redis.disconnect()
  }
})
