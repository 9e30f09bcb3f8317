import { expect, test, type Page } from '@playwright/test'
import { finishStep, inspectorRow, openLab, outsideRedis, rows, scanAll, step } from './support'

const choice = (page: Page, group: string, option: string) =>
  page.getByRole('radiogroup', { name: group }).getByRole('radio', { name: option, exact: true })
const generation = (page: Page, version: number) =>
  page.locator(`[data-testid="generations-table"] tr[data-generation="${version}"]`)
const labStat = (page: Page, label: string) => page.locator(`[data-lab-stat="${label}"]`)

test('a new learner walks through key versioning: bump, misses, two generations in memory, expiry, and a stranded generation', async ({
  page,
}) => {
  test.setTimeout(180_000)
  const prefix = await openLab(page, 'key-versioning')
  const redis = outsideRedis()
  try {
    // 1. Twenty users cached under v1, with a 20 s TTL
    await expect(step(page)).toHaveAttribute('data-step', 'versioned-keys')
    await page.getByRole('button', { name: 'Fill 20 users' }).click()
    await expect(rows(page, 'set', { key: 'v1:user:20', src: 'app' })).toHaveCount(1)
    await expect(inspectorRow(page, 'v1:user:1')).toContainText('v1')
    const pttl = await redis.pttl(`${prefix}v1:user:1`)
    expect(pttl).toBeGreaterThan(10_000)
    expect(pttl).toBeLessThanOrEqual(20_000)
    // Redis's own figure for the generation, charted and listed.
    await expect(generation(page, 1)).toHaveAttribute('data-keys', '20')
    await expect(page.getByTestId('memory-chart')).toHaveAttribute('data-series', 'v1')
    await finishStep(page, 'versioned-keys')

    // 2. A read hits v1
    await page.getByRole('button', { name: 'Read user', exact: true }).click()
    await expect(rows(page, 'hit', { key: 'v1:user:1' })).toHaveCount(1)
    await finishStep(page, 'hit')

    // 3. Bump: no key touched
    await page.getByRole('button', { name: 'Bump version' }).click()
    await expect(labStat(page, 'Current version')).toHaveText('v2')
    expect(await redis.exists(`${prefix}v1:user:1`, `${prefix}v1:user:20`)).toBe(2)
    await finishStep(page, 'bump')

    // 4. The same read misses under v2 and refills
    await page.getByRole('button', { name: 'Read user', exact: true }).click()
    await expect(rows(page, 'miss', { key: 'v2:user:1' })).toHaveCount(1)
    await expect(rows(page, 'set', { key: 'v2:user:1', src: 'app' })).toHaveCount(1)
    await finishStep(page, 'miss')

    // 5. A read load fills v2 while v1 sits there, unread
    await choice(page, 'Read load (over users 1–20)', '5 / s').click()
    await expect(rows(page, 'setting').last()).toContainText('load')
    await expect
      .poll(async () => Number(await generation(page, 2).getAttribute('data-keys')), { timeout: 15_000 })
      .toBeGreaterThan(3)
    await expect(page.getByTestId('memory-chart')).toHaveAttribute('data-series', 'v1,v2')
    await expect(generation(page, 1)).toHaveAttribute('data-keys', '20')
    await finishStep(page, 'two-generations')

    // 6. The v1 keys expire (Redis's own expiries) and v1's memory falls to zero
    await expect(rows(page, 'expired', { key: 'v1:user:20', src: 'redis' })).toHaveCount(1, { timeout: 30_000 })
    await expect(generation(page, 1)).toHaveAttribute('data-keys', '0', { timeout: 10_000 })
    await expect(generation(page, 1)).toContainText('gone')
    await finishStep(page, 'expiry')

    // 7. No TTL, bump: the load fills v3 with keys that never expire
    await choice(page, 'TTL for new keys', 'none').click()
    await page.getByRole('button', { name: 'Bump version' }).click()
    await expect(labStat(page, 'Current version')).toHaveText('v3')
    await finishStep(page, 'no-ttl')

    // 8. Bump again: v3 is stranded, holding its memory for ever
    await expect
      .poll(async () => Number(await generation(page, 3).getAttribute('data-keys')), { timeout: 15_000 })
      .toBeGreaterThan(2)
    await page.getByRole('button', { name: 'Bump version' }).click()
    await expect(labStat(page, 'Current version')).toHaveText('v4')
    await expect(generation(page, 3)).toContainText('never: no TTL')
    // What the panel says v3 holds is what Redis holds (a read in flight at the bump may still land in v3).
    const v3 = () => scanAll(redis, `${prefix}v3:*`)
    await expect
      .poll(async () => (await v3()).length === Number(await generation(page, 3).getAttribute('data-keys')))
      .toBe(true)
    for (const key of await v3()) expect(await redis.pttl(key)).toBe(-1)
    // Once v2's TTLs have run out, what is left in old generations lives for ever: v3, and any v2 key the
    // load wrote between "TTL: none" and the bump. The panel counts exactly what Redis holds.
    const oldKeys = async () => (await Promise.all([1, 2, 3].map((g) => scanAll(redis, `${prefix}v${g}:*`)))).flat()
    await expect
      .poll(
        async () => {
          const keys = await oldKeys()
          const ttls = await Promise.all(keys.map((k) => redis.pttl(k)))
          const shown = await labStat(page, 'Keys in old generations').textContent()
          return ttls.every((t) => t === -1) && shown === String(keys.length)
        },
        { timeout: 30_000 },
      )
      .toBe(true)
    await finishStep(page, 'stranded')

    // 9. Sweep it with a SCAN loop, and stop the load
    await page.getByRole('button', { name: 'Sweep v3' }).click()
    await expect(generation(page, 3)).toHaveAttribute('data-keys', '0')
    await expect(rows(page, 'scan', { key: 'v3:*' }).last()).toContainText('→ 0')
    const left = await scanAll(redis, `${prefix}v3:*`)
    expect(left).toEqual([])
    await choice(page, 'Read load (over users 1–20)', 'off').click()
    await expect(step(page)).toHaveAttribute('data-done', 'true')
    await page.screenshot({ path: 'docs/screenshots/key-versioning-lab.png' })

    // "Show me" for the interview question measures the claim
    const question = page.locator('#q-what-is-cache-versioning')
    await question.locator('summary').click()
    await question.getByRole('button', { name: 'Show me' }).click()
    await expect(question.getByTestId('demo-outcome')).toHaveAttribute('data-passed', 'true', { timeout: 60_000 })
    await expect(question.getByTestId('demo-outcome')).toContainText('Redis expired the v1 keys itself')
  } finally {
    redis.disconnect()
  }
})
