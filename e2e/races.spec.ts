import { expect, test, type Page } from '@playwright/test'
import { finishStep, inspectorRow, openLab, outsideRedis, rows, step } from './support'

const stepButton = (page: Page) => page.getByRole('button', { name: 'Step', exact: true })
const raceStep = (page: Page, n: number) => page.locator(`[data-testid="race-step"][data-n="${n}"]`)
const outcome = (page: Page) => page.getByTestId('race-outcome')

/** Presses Step and waits until that step is done. */
async function stepOnce(page: Page, n: number): Promise<void> {
  await stepButton(page).click()
  await expect(raceStep(page, n)).toHaveAttribute('data-status', 'done')
}

test('a new learner steps through the cache-aside race by hand, then stops it three ways and lets it run at random', async ({
  page,
}) => {
  const prefix = await openLab(page, 'races')
  const redis = outsideRedis()
  try {
    // 1. The actors
    await expect(step(page)).toHaveAttribute('data-step', 'actors')
    await expect(page.getByTestId('race-script')).toContainText('Reader A')
    await expect(page.getByTestId('race-script')).toContainText('Writer B')
    await expect(raceStep(page, 1)).toHaveAttribute('data-status', 'pending')
    await page.getByRole('button', { name: 'Next step' }).click()

    // 2. A misses and reads version 1
    await stepOnce(page, 1)
    await expect(raceStep(page, 1)).toContainText('→ miss')
    await expect(rows(page, 'miss', { key: 'user:1' })).toHaveCount(1)
    await stepOnce(page, 2)
    await expect(raceStep(page, 2)).toContainText('read v1')
    await expect(rows(page, 'query', { key: 'user:1' }).locator('[data-testid="node-tag"]')).toHaveText('A')
    await finishStep(page, 'miss-and-read')

    // 3. B writes version 2 and deletes the key (there is nothing to delete yet)
    // The next step's card is a button too; the others wait their turn.
    await expect(page.getByRole('button', { name: /^Step 4, Writer B/ })).toBeDisabled()
    await page.getByRole('button', { name: /^Step 3, Writer B: UPDATE/ }).click()
    await expect(raceStep(page, 3)).toHaveAttribute('data-status', 'done')
    await stepOnce(page, 4)
    await expect(raceStep(page, 3)).toContainText('committed v2')
    await expect(raceStep(page, 4)).toContainText('nothing cached to delete')
    await expect(rows(page, 'del', { key: 'user:1' })).toHaveCount(1)
    await finishStep(page, 'write-and-delete')

    // 4. A's late SET puts version 1 back: the cache is stale, in Redis itself
    await stepOnce(page, 5)
    await expect(raceStep(page, 5)).toHaveAttribute('data-tone', 'bad')
    await expect(inspectorRow(page, 'user:1')).toHaveAttribute('data-stale', 'true')
    await expect(page.getByTestId('race-values').locator('[data-value="cache"]')).toContainText('v1')
    await expect(page.getByTestId('race-values').locator('[data-value="db"]')).toContainText('v2')
    expect(JSON.parse((await redis.get(`${prefix}user:1`))!)).toMatchObject({ version: 1 })
    await finishStep(page, 'stale-fill')

    // 5. C reads: stale, and stays stale when it reads again
    await stepOnce(page, 6)
    await expect(rows(page, 'stale-read', { key: 'user:1' })).toHaveCount(1)
    await expect(outcome(page)).toHaveAttribute('data-outcome', 'stale')
    await expect(stepButton(page)).toBeDisabled()
    await page.getByRole('button', { name: 'C reads again' }).click()
    await expect(page.getByTestId('race-reread')).toHaveAttribute('data-stale', 'true')
    await expect(rows(page, 'stale-read', { key: 'user:1' })).toHaveCount(2)
    await finishStep(page, 'stale-read')

    // 6. Version-checked fill, auto-played: A's old row is refused
    await page.getByRole('radio', { name: 'Version-checked' }).click()
    await expect(raceStep(page, 1)).toHaveAttribute('data-status', 'pending')
    await expect(raceStep(page, 4)).toContainText('tombstone-delete')
    await page.getByRole('button', { name: 'Auto-play' }).click()
    await expect(outcome(page)).toHaveAttribute('data-outcome', 'fresh', { timeout: 15_000 })
    await expect(rows(page, 'refused', { key: 'user:1' })).toHaveCount(1)
    await expect(raceStep(page, 5)).toContainText('refused: older than the delete of v3')
    await finishStep(page, 'versioned')

    // 7. Leases, by hand: A's token is revoked by B's delete, so A's fill is rejected
    await page.getByRole('radio', { name: 'Leases' }).click()
    await expect(raceStep(page, 6)).toHaveAttribute('data-status', 'pending')
    for (let n = 1; n <= 6; n++) await stepOnce(page, n)
    await expect(raceStep(page, 1)).toContainText('lease')
    await expect(raceStep(page, 5)).toContainText('rejected')
    await expect(outcome(page)).toHaveAttribute('data-outcome', 'fresh')
    expect(await redis.exists(`${prefix}lease:user:1`)).toBe(0)
    await finishStep(page, 'leases')

    // 8. Delayed double delete with a 500 ms delay: the second delete catches A's fill
    await page.getByRole('radio', { name: 'Double delete' }).click()
    await expect(page.getByTestId('race-timing')).toContainText('removes the stale row')
    await page.getByRole('button', { name: 'Auto-play' }).click()
    await expect(outcome(page)).toHaveAttribute('data-outcome', 'fresh', { timeout: 15_000 })
    await expect(raceStep(page, 6)).toContainText("deleted A's stale value")
    await finishStep(page, 'double-delete')

    // 9. The delay set too short (100 ms, from the keyboard): stepping by hand, the second delete lands first
    const delay = page.getByRole('slider', { name: "B's delay before the second delete" })
    await delay.focus()
    await page.keyboard.press('Home')
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowRight')
    await expect(page.getByTestId('race-timing')).toContainText('too short')
    await expect(raceStep(page, 5)).toContainText('DEL user:1 again, 100 ms after the first')
    for (let n = 1; n <= 7; n++) await stepOnce(page, n)
    await expect(raceStep(page, 5)).toContainText('nothing cached yet')
    await expect(outcome(page)).toHaveAttribute('data-outcome', 'stale')
    await finishStep(page, 'too-short')

    // 10. The randomised mode: every strategy at once, real readers and writers
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(page.getByRole('button', { name: 'Running…' })).toBeDisabled()
    await expect(step(page)).toHaveAttribute('data-done', 'true')
    await expect(page.getByTestId('race-run-state')).toHaveText('done', { timeout: 20_000 })
    const results = page.getByTestId('race-results')
    await expect(results.locator('tbody tr')).toHaveCount(4)
    for (const fixed of ['versioned', 'lease']) {
      await expect(results.locator(`tr[data-strategy="${fixed}"] [data-cell="write-backs"]`)).toHaveText('0')
    }
    await expect(page.getByTestId('lab-stats')).toContainText('Stale reads · Naive')
  } finally {
    redis.disconnect()
  }
})

test('the race stepper fits a phone screen in dark mode', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' })
  const page = await context.newPage()
  await openLab(page, 'races')
  await expect(page.locator('html')).toHaveClass(/dark/)
  await page.getByRole('radio', { name: 'Double delete' }).click()
  await stepOnce(page, 1)
  await expect(rows(page, 'miss', { key: 'user:1' })).toHaveCount(1)
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  expect(overflow).toBeLessThanOrEqual(0)
  await context.close()
})
