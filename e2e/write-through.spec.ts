import { expect, test, type Page } from '@playwright/test'
import { finishStep, inspectorRow, openLab, outsideRedis, rows, step } from './support'

const stat = (page: Page, label: string) => page.locator(`[data-lab-stat="${label}"]`)
const cell = (page: Page, strategy: string, row: string) =>
  page.getByTestId('write-comparison').locator(`td[data-strategy="${strategy}"][data-row="${row}"]`)
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true })
const ms = async (page: Page, label: string) => Number((await stat(page, label).textContent())!.match(/([\d.]+) ms/)![1])

test('a new learner walks through write-through: reads hit after a write, the write pays for it, and a failed cache write is stale until the TTL', async ({ page }) => {
  test.setTimeout(120_000)
  const prefix = await openLab(page, 'write-through')
  const redis = outsideRedis()
  const key = `${prefix}user:1:profile`
  try {
    await expect(page.getByRole('heading', { name: 'Write-through', exact: true })).toBeVisible()
    await expect(page.getByTestId('write-plan').locator('li')).toHaveCount(3)

    // 1. Cache user 1's profile: a miss, the row and the posts, one SET
    await expect(step(page)).toHaveAttribute('data-step', 'fill')
    await button(page, 'Read profile').click()
    await expect(rows(page, 'set', { key: 'user:1:profile', src: 'app' })).toHaveCount(1)
    await expect(rows(page, 'query', { key: 'user:1' })).toHaveCount(1)
    await expect(rows(page, 'query', { key: 'user:1:profile' })).toHaveCount(1)
    expect(JSON.parse((await redis.get(key))!)).toMatchObject({ version: 1, posts: expect.arrayContaining([{ id: 1, title: 'Post 1' }]) })
    await finishStep(page, 'fill')

    // 2. The database gets a cost
    await page.getByRole('button', { name: 'Do it for me' }).click()
    await expect(page.locator('[data-region="controls"]')).toContainText('100ms')
    await finishStep(page, 'slow-db')

    // 3. Write through: UPDATE, the posts query, SET, then the answer
    await button(page, 'Write through').click()
    await expect(page.getByTestId('last-write').locator('[data-step]')).toHaveCount(3)
    await expect(page.getByTestId('last-write')).toHaveAttribute('data-ok', 'true')
    await expect.poll(async () => JSON.parse((await redis.get(key))!).version).toBe(2)
    await finishStep(page, 'write-through')

    // 4. The read after it hits
    await button(page, 'Read profile').click()
    await expect(rows(page, 'hit', { key: 'user:1:profile' })).toHaveCount(1)
    await expect(stat(page, 'Hits right after a write-through')).toHaveText('1 of 1')
    await expect(inspectorRow(page, 'user:1:profile')).toContainText('fresh')
    await finishStep(page, 'read-hits')

    // 5. The same write with delete on write
    await button(page, 'Write with delete').click()
    await expect(rows(page, 'del', { key: 'user:1:profile', src: 'app' })).toHaveCount(1)
    expect(await redis.exists(key)).toBe(0)
    await finishStep(page, 'compare-delete')

    // 6. The next reader rebuilds the profile; write-through paid for it on the write
    await button(page, 'Read profile').click()
    await expect(rows(page, 'miss', { key: 'user:1:profile' }).last()).toBeVisible()
    await expect(page.getByTestId('lab-stats')).toContainText('after a delete: 0 of 1')
    await expect(cell(page, 'through', 'SQL statements per write')).toHaveText('2')
    await expect(cell(page, 'delete', 'SQL statements per write')).toHaveText('1')
    expect(await ms(page, 'Write latency, write-through')).toBeGreaterThanOrEqual(200)
    expect(await ms(page, 'Write latency, delete on write')).toBeGreaterThanOrEqual(100)
    await finishStep(page, 'read-pays')

    // 7. Start the clock: a 5 s TTL on the next value stored
    await page.getByRole('radio', { name: '5 s' }).click()
    await expect(stat(page, 'TTL of new profiles')).toHaveText('5 s')
    await button(page, 'Write through').click()
    await expect.poll(() => redis.pttl(key)).toBeLessThanOrEqual(5000)
    await finishStep(page, 'start-clock')

    // 8. The cache write fails after the commit: counted, the write succeeds, the next read is stale
    await button(page, 'Make the next cache write fail').click()
    await button(page, 'Write through').click()
    await expect(rows(page, 'cache-error', { key: 'user:1:profile' })).toHaveCount(1)
    await expect(stat(page, 'Cache errors after commit')).toHaveText('1')
    await expect(page.getByTestId('last-write')).toHaveAttribute('data-ok', 'true')
    await expect(page.getByTestId('last-write').locator('[data-step="cache-set"]')).toHaveAttribute('data-ok', 'false')
    await button(page, 'Read profile').click()
    await expect(rows(page, 'stale-read', { key: 'user:1:profile' })).toHaveCount(1)
    await expect(inspectorRow(page, 'user:1:profile')).toHaveAttribute('data-stale', 'true')
    await expect(inspectorRow(page, 'user:1:profile').locator('td').nth(1)).toContainText('v4')
    await expect(inspectorRow(page, 'user:1:profile').locator('td').nth(2)).toHaveText('v5')
    await finishStep(page, 'cache-fails')

    // 9. The TTL ends it: Redis expires the old profile, the next read rebuilds the current one
    await expect(rows(page, 'expired', { key: 'user:1:profile', src: 'redis' })).toHaveCount(1, { timeout: 10_000 })
    await button(page, 'Read profile').click()
    await expect(inspectorRow(page, 'user:1:profile')).toContainText('fresh')
    await expect(inspectorRow(page, 'user:1:profile').locator('td').nth(1)).toContainText('v5')
    await finishStep(page, 'ttl-heals')

    // 10. Without a TTL the same failure has no end but the next write
    await page.getByRole('radio', { name: 'none' }).click()
    await expect(stat(page, 'TTL of new profiles')).toHaveText('none')
    await button(page, 'Write through').click()
    await expect.poll(() => redis.pttl(key)).toBe(-1)
    await button(page, 'Make the next cache write fail').click()
    await button(page, 'Write through').click()
    await button(page, 'Read profile').click()
    await expect(rows(page, 'stale-read', { key: 'user:1:profile' }).last()).toBeVisible()
    await expect(page.locator('[data-stat="Stale reads"]')).toHaveText('2')
    await expect(inspectorRow(page, 'user:1:profile')).toContainText('no TTL')
    await expect(inspectorRow(page, 'user:1:profile')).toHaveAttribute('data-stale', 'true')
    await expect(step(page)).toHaveAttribute('data-done', 'true')
    await expect(page.getByText('That is the whole walkthrough')).toBeVisible()
  } finally {
    redis.disconnect()
  }
})

test('"Show me" proves that write-through moves the rebuild from the next read to every write', async ({ page }) => {
  test.setTimeout(60_000)
  await openLab(page, 'write-through')
  const question = page.locator('#q-write-through-worth-it')
  await question.locator('summary').click()
  await question.getByRole('button', { name: 'Show me' }).click()
  const outcome = question.getByTestId('demo-outcome')
  await expect(outcome).toHaveAttribute('data-passed', 'true', { timeout: 30_000 })
  await expect(outcome).toContainText('The write-through write ran more queries than the delete-on-write write')
  await expect(rows(page, 'demo-result')).toContainText('proved')
})
