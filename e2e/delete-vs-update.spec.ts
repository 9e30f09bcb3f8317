import { expect, test, type Page } from '@playwright/test'
import { finishStep, inspectorRow, openLab, outsideRedis, rows, step } from './support'

const stat = (page: Page, label: string) => page.locator(`[data-lab-stat="${label}"]`)
const cell = (page: Page, strategy: string, row: string) =>
  page.getByTestId('write-comparison').locator(`td[data-strategy="${strategy}"][data-row="${row}"]`)
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true })

test('a new learner walks through delete vs update on write: next-read cost, wasted writes, and failures in each order', async ({ page }) => {
  test.setTimeout(120_000)
  const prefix = await openLab(page, 'delete-vs-update')
  const redis = outsideRedis()
  const cached = async () => {
    const raw = await redis.get(`${prefix}user:1`)
    return raw === null ? null : (JSON.parse(raw) as { version: number })
  }
  try {
    await expect(page.getByRole('heading', { name: 'Delete vs update on write', exact: true })).toBeVisible()
    await expect(page.getByTestId('write-plan')).toContainText('Update the row')
    await expect(page.getByTestId('order-note')).toContainText('The right order')

    // 1. Cache user 1
    await expect(step(page)).toHaveAttribute('data-step', 'fill')
    await button(page, 'Read user').click()
    await expect(rows(page, 'set', { key: 'user:1', src: 'app' })).toHaveCount(1)
    expect(await cached()).toMatchObject({ version: 1 })
    await finishStep(page, 'fill')

    // 2. The database gets a cost ("Do it for me" sets 200 ms)
    await page.getByRole('button', { name: 'Do it for me' }).click()
    await expect(page.locator('[data-region="controls"]')).toContainText('200ms')
    await finishStep(page, 'slow-db')

    // 3. Delete on write (the default): UPDATE, then DEL
    await expect(page.getByRole('radio', { name: 'Delete on write' })).toBeChecked()
    await button(page, 'Write user').click()
    await expect(rows(page, 'del', { key: 'user:1', src: 'app' })).toHaveCount(1)
    await expect(page.getByTestId('last-write')).toHaveAttribute('data-ok', 'true')
    await expect(page.getByTestId('last-write').locator('[data-step]')).toHaveCount(2)
    expect(await cached()).toBeNull()
    await finishStep(page, 'delete-write')

    // 4. The next read misses and pays the database latency
    await button(page, 'Read user').click()
    await expect(rows(page, 'miss', { key: 'user:1' })).toHaveCount(2)
    await expect(stat(page, 'Next read after a delete')).toContainText('miss')
    await expect(cell(page, 'delete', 'First reads after a write')).toHaveText('0 hits of 1')
    const deleteNextRead = Number((await cell(page, 'delete', 'Their mean latency').textContent())!.match(/([\d.]+) ms/)![1])
    expect(deleteNextRead).toBeGreaterThanOrEqual(200)
    await finishStep(page, 'read-after-delete')

    // 5. Update on write: UPDATE, then SET of the new value
    await page.getByRole('radio', { name: 'Update on write' }).click()
    await expect(page.getByTestId('write-comparison').locator('th[aria-current="true"]')).toContainText('Update on write')
    await button(page, 'Write user').click()
    await expect(page.getByTestId('last-write').locator('[data-step="cache-set"]')).toHaveAttribute('data-ok', 'true')
    await expect.poll(cached).toMatchObject({ version: 3 })
    await finishStep(page, 'update-write')

    // 6. The next read hits
    await button(page, 'Read user').click()
    await expect(stat(page, 'Next read after an update')).toContainText('hit')
    await expect(cell(page, 'update', 'First reads after a write')).toHaveText('1 hit of 1')
    await expect(cell(page, 'update', 'Value bytes sent per write')).not.toHaveText('0 B')
    await expect(cell(page, 'delete', 'Value bytes sent per write')).toHaveText('0 B')
    await finishStep(page, 'read-after-update')

    // 7. The write-heavy burst, with update on write, then with delete on write
    await button(page, 'Write-heavy burst').click()
    await expect(cell(page, 'update', 'Writes')).toHaveText('46', { timeout: 20_000 })
    await expect(stat(page, 'Cache writes wasted')).toHaveText('36')
    await expect(cell(page, 'update', '… gone unread (wasted)')).toHaveText('36')
    await page.getByRole('radio', { name: 'Delete on write' }).click()
    await button(page, 'Write-heavy burst').click()
    await expect(cell(page, 'delete', 'Writes')).toHaveText('46', { timeout: 20_000 })
    await expect(cell(page, 'delete', 'Values stored by writes')).toHaveText('0')
    await finishStep(page, 'burst')

    // 8. The database write fails, DB first: the request fails, the cache step never runs
    await expect(page.getByRole('radio', { name: 'DB first' })).toBeChecked()
    await button(page, 'Make the next DB write fail').click()
    await button(page, 'Write user').click()
    await expect(rows(page, 'db-error', { key: 'user:1' })).toHaveCount(1)
    await expect(page.getByTestId('last-write')).toHaveAttribute('data-ok', 'false')
    await expect(page.getByTestId('last-write').locator('[data-step]')).toHaveCount(1)
    await expect(stat(page, 'Failed DB writes')).toHaveText('1')
    await finishStep(page, 'db-fails')

    // 9. Redis fails after the commit: counted, the write succeeds, reads are stale until the TTL
    await button(page, 'Read user').click()
    await expect(inspectorRow(page, 'user:1')).toHaveAttribute('data-stale', 'false')
    await button(page, 'Make the next cache write fail').click()
    await button(page, 'Write user').click()
    await expect(rows(page, 'cache-error', { key: 'user:1' })).toHaveCount(1)
    await expect(stat(page, 'Cache errors in writes')).toHaveText('1')
    await expect(page.getByTestId('last-write')).toHaveAttribute('data-ok', 'true')
    await button(page, 'Read user').click()
    await expect(rows(page, 'stale-read', { key: 'user:1' })).toHaveCount(1)
    await expect(inspectorRow(page, 'user:1')).toHaveAttribute('data-stale', 'true')
    await finishStep(page, 'cache-fails')

    // 10. The wrong order: cache first with update on write and a failing write leaves a never-committed value
    await page.getByRole('radio', { name: 'Cache first' }).click()
    await page.getByRole('radio', { name: 'Update on write' }).click()
    await expect(page.getByTestId('order-note')).toContainText('never existed')
    await expect(page.getByTestId('write-plan').locator('li')).toHaveCount(3)
    await button(page, 'Make the next DB write fail').click()
    await button(page, 'Write user').click()
    await expect(page.getByTestId('last-write').locator('[data-step="db-write"]')).toHaveAttribute('data-ok', 'false')
    await button(page, 'Read user').click()
    await expect(rows(page, 'dirty-read', { key: 'user:1' })).toHaveCount(1)
    await expect(rows(page, 'dirty-read', { key: 'user:1' })).toContainText('UNCOMMITTED')
    await expect(inspectorRow(page, 'user:1')).toHaveAttribute('data-uncommitted', 'true')
    await expect(inspectorRow(page, 'user:1')).toContainText('never committed')
    await expect(stat(page, 'Never-committed reads')).toHaveText('1')
    // v1, two single writes, two bursts of ten writes each and the write whose delete failed: the database has v24;
    // the cache holds v25, the value of the write that failed.
    expect(await cached()).toMatchObject({ version: 25 })
    await expect(inspectorRow(page, 'user:1').locator('td').nth(1)).toContainText('v25')
    await expect(inspectorRow(page, 'user:1').locator('td').nth(2)).toHaveText('v24')
    await expect(step(page)).toHaveAttribute('data-done', 'true')
    await expect(page.getByText('That is the whole walkthrough')).toBeVisible()
  } finally {
    redis.disconnect()
  }
})

test('"Show me" proves that a failed database write is harmless DB first and leaves a never-committed value cache first', async ({ page }) => {
  test.setTimeout(60_000)
  await openLab(page, 'delete-vs-update')
  const question = page.locator('#q-invalidate-on-db-failure')
  await question.locator('summary').click()
  await expect(question).toContainText('Touch the cache only after the database has committed')
  await question.getByRole('button', { name: 'Show me' }).click()
  const outcome = question.getByTestId('demo-outcome')
  await expect(outcome).toHaveAttribute('data-passed', 'true', { timeout: 30_000 })
  await expect(outcome).toContainText('Cache first, update: the read served a version the database never committed')
  await expect(rows(page, 'demo-result')).toContainText('proved')
})
