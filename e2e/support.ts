import { expect, type Locator, type Page } from '@playwright/test'
import { Redis } from 'ioredis'

/** A plain Redis client, standing in for a learner's redis-cli. */
export function outsideRedis(): Redis {
  return new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: false, maxRetriesPerRequest: 1 })
}

/** Opens a lab as a new visitor and waits until its room is live. Returns the room's Redis prefix. */
export async function openLab(page: Page, lab = 'ttl'): Promise<string> {
  await page.goto(`/labs/${lab}`)
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'live')
  const prefix = (await page.getByTestId('room-prefix').textContent())?.trim() ?? ''
  expect(prefix).toMatch(/^lab:[a-z0-9]+:$/)
  return prefix
}

/** Timeline rows of a kind (and key, and source). */
export function rows(page: Page, kind: string, opts: { key?: string; src?: string } = {}): Locator {
  let selector = `[data-testid="timeline-scroller"] [data-kind="${kind}"]`
  if (opts.key) selector += `[data-key="${opts.key}"]`
  if (opts.src) selector += `[data-src="${opts.src}"]`
  return page.locator(selector)
}

export function inspectorRow(page: Page, key: string): Locator {
  return page.getByTestId('inspector-table').locator(`tr[data-key="${key}"]`)
}

export function step(page: Page): Locator {
  return page.getByTestId('walkthrough-step')
}

/** Waits for the current walkthrough step to be done, then moves on. */
export async function finishStep(page: Page, id: string): Promise<void> {
  await expect(step(page)).toHaveAttribute('data-step', id)
  await expect(step(page)).toHaveAttribute('data-done', 'true')
  await page.getByRole('button', { name: 'Next step' }).click()
}

/** Every key matching `pattern`: the whole SCAN loop (one call covers only part of a large keyspace). */
export async function scanAll(redis: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = []
  let cursor = '0'
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 10_000)
    keys.push(...batch)
    cursor = next
  } while (cursor !== '0')
  return keys
}
