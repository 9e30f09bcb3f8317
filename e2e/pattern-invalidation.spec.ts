import { expect, test, type Page } from '@playwright/test'
import { finishStep, inspectorRow, openLab, outsideRedis, rows, step } from './support'

const choice = (page: Page, group: string, option: string) =>
  page.getByRole('radiogroup', { name: group }).getByRole('radio', { name: option, exact: true })
const OTHERS = 'Other keys in the room'
const PAGES = "The user's feed pages"
const MODE = 'Mode (starts a new loop for the user)'
const figure = (page: Page, name: string) => page.getByTestId('scan-summary').locator(`[data-figure="${name}"]`)
const method = (page: Page, id: string, name: string) =>
  page.locator(`[data-testid="methods-table"] tr[data-method="${id}"] [data-figure="${name}"]`)

test('a new learner walks through pattern invalidation: the SCAN loop call by call, duplicates, KEYS, and the tag set', async ({
  page,
}) => {
  test.setTimeout(180_000)
  const prefix = await openLab(page, 'pattern-invalidation')
  const redis = outsideRedis()
  try {
    // 1. User 1's keys among 5,000 others, from SQL, in pipelined batches
    await expect(step(page)).toHaveAttribute('data-step', 'owner')
    await choice(page, OTHERS, '5,000').click()
    // (The timeline draws only the rows in view, so the fill's many events are checked in the inspector and Redis.)
    await expect(inspectorRow(page, 'user:1:profile')).toContainText('v1')
    await expect(inspectorRow(page, 'user:1:keys')).toContainText('set')
    expect(
      await redis.exists(
        `${prefix}user:1:profile`,
        `${prefix}user:1:feed:20`,
        `${prefix}user:1:keys`,
        `${prefix}user:2:posts`,
      ),
    ).toBe(4)
    expect(await redis.scard(`${prefix}user:1:keys`)).toBe(23)
    await finishStep(page, 'owner')

    // 2. One SCAN call from cursor 0: the panel shows what it examined and returned
    await expect(page.getByTestId('scan-next')).toHaveText('SCAN 0 MATCH user:1:* COUNT 100')
    await page.getByTestId('scan-step').click()
    await expect(rows(page, 'scan', { key: 'user:1:*' })).toHaveCount(1)
    const first = page.locator('[data-testid="scan-table"] tr[data-row="1"]')
    await expect(first).toContainText(/^1\s*0 → \d+/)
    await expect(figure(page, 'calls')).toHaveText('1')
    await expect(page.getByTestId('scan-status')).toHaveAttribute('data-done', 'false')
    await expect(page.getByTestId('scan-next')).toHaveText(/^SCAN [1-9]\d* MATCH user:1:\* COUNT 100$/)
    await finishStep(page, 'first-call')

    // 3. COUNT 1000 for the next call, same cursor
    await choice(page, 'COUNT', '1000').click()
    await expect(page.getByTestId('scan-next')).toHaveText(/COUNT 1000$/)
    await page.getByTestId('scan-step').click()
    await expect(page.locator('[data-testid="scan-table"] tr[data-row="2"] td').nth(2)).toHaveText('1000')
    await finishStep(page, 'count')

    // 4. Run to the end: cursor 0, every key of user 1 deleted, and no one else's
    await page.getByTestId('scan-run').click()
    await expect(page.getByTestId('scan-status')).toHaveAttribute('data-done', 'true')
    await expect(figure(page, 'deleted')).toHaveText('24')
    await expect(inspectorRow(page, 'user:1:profile')).toHaveCount(0)
    expect(await redis.exists(`${prefix}user:1:profile`, `${prefix}user:1:feed:20`, `${prefix}user:1:keys`)).toBe(0)
    expect(await redis.exists(`${prefix}user:2:profile`, `${prefix}user:10:keys`, `${prefix}post:1`)).toBe(3)
    await expect(method(page, 'scan', 'deleted')).toHaveText('24')
    await finishStep(page, 'to-the-end')

    // 5. Resizing Redis's key table under the loop: the panel says plainly what this run saw. (COUNT 100
    // rather than the step's 10: this Redis is shared, and a big keyspace would take thousands of calls.)
    await choice(page, OTHERS, 'none').click()
    await expect.poll(() => redis.exists(`${prefix}user:2:profile`)).toBe(0)
    await choice(page, PAGES, '99 (103 keys)').click()
    await expect(inspectorRow(page, 'user:1:feed:99')).toHaveCount(1)
    await choice(page, 'COUNT', '100').click()
    await choice(page, MODE, 'Collect, resizing').click()
    await expect(page.getByTestId('scan-next')).toHaveText('SCAN 0 MATCH user:1:* COUNT 100')
    for (let run = 0; run < 3 && (await page.getByTestId('scan-status').getAttribute('data-done')) !== 'true'; run++) {
      await page.getByTestId('scan-run').click()
      await expect(page.getByTestId('scan-status')).toHaveText(/complete|paused/, { timeout: 60_000 })
    }
    await expect(page.getByTestId('scan-status')).toHaveAttribute('data-done', 'true')
    await expect(figure(page, 'deleted')).toHaveText('103')
    await expect(page.getByTestId('scan-duplicates')).toHaveText(/came back again|saw no key twice|No resize/)
    await finishStep(page, 'duplicates')

    // 6. The same cursor on the tag set, whose table the lab controls: keys come back, each deleted once.
    // A walk can, rarely, see no key twice: walk again until one does (each walk refills first).
    await expect(choice(page, OTHERS, 'none')).toHaveAttribute('aria-checked', 'true')
    await choice(page, 'COUNT', '10').click()
    await expect(page.getByTestId('scan-next')).toHaveText(/COUNT 10$/)
    for (let walk = 0; walk < 4; walk++) {
      await choice(page, PAGES, '99 (103 keys)').click()
      await expect(inspectorRow(page, 'user:1:feed:99')).toHaveCount(1)
      await choice(page, MODE, 'Tag set (SSCAN), resizing').click()
      await expect(page.getByTestId('scan-next')).toHaveText('SSCAN user:1:keys 0 MATCH user:1:* COUNT 10')
      await page.getByTestId('scan-run').click()
      await expect(page.getByTestId('scan-status')).toHaveAttribute('data-done', 'true', { timeout: 30_000 })
      await expect(figure(page, 'deleted')).toHaveText('103') // 102 registered keys and the tag set, once each
      if (Number(await figure(page, 'again').textContent()) > 0) break
    }
    expect(Number(await figure(page, 'again').textContent())).toBeGreaterThan(0)
    await expect(page.getByTestId('scan-duplicates')).toContainText('the Set dropped')
    await expect(step(page)).toHaveAttribute('data-done', 'true')
    await finishStep(page, 'sscan-duplicates')

    // 7. KEYS over 100,000 other keys: the other client's PING waits for it
    await page.getByRole('button', { name: 'Do it for me' }).click()
    await expect(method(page, 'keys', 'deleted')).toHaveText('24', { timeout: 30_000 })
    await expect(method(page, 'keys', 'probe')).toHaveText(/\d ms/)
    await expect(method(page, 'keys', 'round-trips')).toHaveText('2')
    expect(await redis.exists(`${prefix}user:1:profile`)).toBe(0)
    await finishStep(page, 'keys')

    // 8. The tag set: SMEMBERS and one script, two round trips
    await page.getByRole('button', { name: 'Do it for me' }).click()
    await expect(method(page, 'tag', 'deleted')).toHaveText('24')
    await expect(method(page, 'tag', 'round-trips')).toHaveText('2')
    // The timeline, filtered to commands, shows the script that did it.
    await page.getByLabel('Filter the timeline').fill('command')
    await expect(rows(page, 'command').filter({ hasText: 'unlink-tagged.lua' })).toHaveCount(1)
    await page.getByLabel('Filter the timeline').fill('')
    await finishStep(page, 'tag')

    // 9. Why: cache the profile, change the row, and the cached copy is stale
    await page.getByRole('button', { name: 'Read profile' }).click()
    await expect(inspectorRow(page, 'user:1:profile')).toContainText('v1')
    await page.getByRole('button', { name: 'Update in DB' }).click()
    await expect(inspectorRow(page, 'user:1:profile')).toHaveAttribute('data-stale', 'true')
    await finishStep(page, 'stale')

    // 10. Invalidate by the tag set, then the read is fresh
    await page.getByRole('button', { name: 'Invalidate by tag set' }).click()
    await expect(inspectorRow(page, 'user:1:profile')).toHaveCount(0)
    await page.getByRole('button', { name: 'Read profile' }).click()
    await expect(inspectorRow(page, 'user:1:profile')).toHaveAttribute('data-stale', 'false')
    await expect(inspectorRow(page, 'user:1:profile')).toContainText('v2')
    await expect(step(page)).toHaveAttribute('data-done', 'true')
    await page.screenshot({ path: 'docs/screenshots/pattern-invalidation-lab.png' })

    // "Show me" proves the interview answer with measured checks
    const question = page.locator('#q-invalidate-related-keys')
    await question.locator('summary').click()
    await question.getByRole('button', { name: 'Show me' }).click()
    await expect(question.getByTestId('demo-outcome')).toHaveAttribute('data-passed', 'true', { timeout: 60_000 })
    await expect(question.getByTestId('demo-outcome')).toContainText('The tag set took two round trips')

    // Leave nothing big behind: the other apps' keys go with a reset.
    await page.getByRole('button', { name: 'Reset lab' }).click()
    await expect(choice(page, "Other apps' keys in this Redis", 'none')).toHaveAttribute('aria-checked', 'true')
  } finally {
    // Whatever happened, leave no keys of "other apps" behind on the shared Redis.
    const room = prefix.split(':')[1]
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `cachelab-bulk:${room}:*`, 'COUNT', 5000)
      if (keys.length > 0) await redis.unlink(...keys)
      cursor = next
    } while (cursor !== '0')
    redis.disconnect()
  }
})
