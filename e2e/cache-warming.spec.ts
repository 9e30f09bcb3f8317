import { expect, test, type Page } from '@playwright/test'
import { finishStep, openLab, outsideRedis, rows, step } from './support'

const choice = (page: Page, group: string, option: string) =>
  page.getByRole('radiogroup', { name: group }).getByRole('radio', { name: option, exact: true })
const run = (page: Page, mode: 'cold' | 'warmed') => page.getByTestId(`run-${mode}`)
const firstRatio = async (page: Page, mode: 'cold' | 'warmed') => Number(await run(page, mode).getAttribute('data-first-ratio'))
/** Narrows the timeline (it draws only the rows in view, and a run records thousands). */
const filter = (page: Page, q: string) => page.getByLabel('Filter the timeline').fill(q)
const trending = (page: Page, id: number) => page.locator(`[data-testid="trending-list"] li[data-post="${id}"]`)

test('a new learner walks through cache warming: a cold start, a warm start, the comparison, and a schedule that picks up a new trend', async ({
  page,
}) => {
  test.setTimeout(180_000)
  const prefix = await openLab(page, 'cache-warming')
  const redis = outsideRedis()
  try {
    // 1. Cold start: the cache is emptied, the load misses its way in
    await expect(step(page)).toHaveAttribute('data-step', 'cold')
    await page.getByTestId('cold-start').click()
    await expect(run(page, 'cold')).toHaveAttribute('data-state', 'running')
    await expect(run(page, 'cold')).toHaveAttribute('data-state', 'done', { timeout: 30_000 })
    await filter(page, 'miss')
    await expect(rows(page, 'miss').first()).toBeVisible()
    await filter(page, '')
    await expect(page.getByTestId('warming-charts')).toBeVisible()
    await finishStep(page, 'cold')

    // 2. Warm start: warmed in one pipeline, then the same load
    await page.getByTestId('warm-start').click()
    await expect(run(page, 'warmed')).toHaveAttribute('data-state', 'done', { timeout: 30_000 })
    await expect(page.getByTestId('warming-time')).toContainText(/Warming took .+ 10 users \+ 25 posts, 2 queries, 35 SETs in 1 pipeline/)
    await filter(page, 'warm:')
    await expect(rows(page, 'command', { key: 'warm:*' }).first()).toBeVisible()
    await filter(page, '')
    expect(await redis.exists(`${prefix}user:1`, `${prefix}post:27`)).toBe(2)
    await finishStep(page, 'warm')

    // 3. The comparison: same reads, the warmed first seconds hit more
    await expect(step(page)).toHaveAttribute('data-step', 'compare')
    expect(await firstRatio(page, 'warmed')).toBeGreaterThan(await firstRatio(page, 'cold'))
    await expect(page.getByTestId('warming-verdict')).toContainText('On the same reads, the warm start hit')
    await expect(page.locator('[data-lab-stat="Warming took"]')).toHaveText(/ms$/)
    await page.getByRole('button', { name: 'Next step' }).click()

    // 4. Scheduled warming: each run on the timeline, a countdown to the next
    await choice(page, 'Scheduled warming', 'every 5 s').click()
    await expect(page.getByTestId('schedule-status')).toHaveAttribute('data-on', 'true')
    await expect(page.getByTestId('countdown')).toContainText('next run in')
    await filter(page, 'post:*')
    await expect(rows(page, 'request', { key: 'post:*' }).filter({ hasText: 'scheduled refresh #1' })).toHaveCount(1, {
      timeout: 10_000,
    })
    await expect(page.locator('[data-testid="refresh-runs"] li[data-run="1"]')).toBeVisible()
    await finishStep(page, 'schedule')

    // 5. Post 500 starts trending (in the database only): not refreshed yet
    await expect(trending(page, 500)).toHaveCount(0)
    // (A refresh first restarts the countdown, so the boost lands well before the next run.)
    const runs = await page.locator('[data-testid="refresh-runs"] li').count()
    await page.getByRole('button', { name: 'Refresh now' }).first().click()
    await expect(page.locator('[data-testid="refresh-runs"] li')).toHaveCount(runs + 1)
    await page.getByRole('button', { name: 'Boost post 500' }).click()
    await expect(trending(page, 500)).toContainText('599 likes')
    await expect(trending(page, 500).getByTestId('not-refreshed')).toBeVisible()
    await finishStep(page, 'boost')

    // 6. The next scheduled run picks it up, before anyone reads it
    await filter(page, 'post:500')
    await expect(rows(page, 'set', { key: 'post:500', src: 'app' }).first()).toBeVisible({ timeout: 10_000 })
    await expect(trending(page, 500)).toContainText(/new in #\d/)
    await expect(trending(page, 500).getByTestId('not-refreshed')).toHaveCount(0)
    await expect(page.getByTestId('run-added').first()).toContainText('post:500')
    expect(JSON.parse((await redis.get(`${prefix}post:500`))!)).toMatchObject({ id: 500, likes: 599 })
    await finishStep(page, 'picked-up')

    // 7. A TTL shorter than the interval: keys expire between runs
    await choice(page, 'TTL of cached keys', '3 s').click()
    await expect(page.getByTestId('schedule-status')).toContainText('shorter than the interval')
    await filter(page, 'expired')
    await expect(rows(page, 'expired', { src: 'redis' }).first()).toBeVisible({ timeout: 15_000 })
    await filter(page, '')
    await finishStep(page, 'ttl-vs-interval')

    // 8. Stop the schedule
    await choice(page, 'Scheduled warming', 'off').click()
    await expect(page.getByTestId('schedule-status')).toHaveAttribute('data-on', 'false')
    await expect(step(page)).toHaveAttribute('data-done', 'true')
    await page.getByTestId('warming-compare').scrollIntoViewIfNeeded()
    await page.screenshot({ path: 'docs/screenshots/cache-warming-lab.png' })

    // "Show me" for the interview question measures the claim
    const question = page.locator('#q-what-is-cache-warming')
    await question.locator('summary').click()
    await question.getByRole('button', { name: 'Show me' }).click()
    await expect(question.getByTestId('demo-outcome')).toHaveAttribute('data-passed', 'true', { timeout: 60_000 })
    await expect(question.getByTestId('demo-outcome')).toContainText('The warmed run hit the cache more often')
  } finally {
    redis.disconnect()
  }
})
