/**
 * The interview section as a candidate uses it: "Show me" opens its lab and the demo that runs there proves the
 * answer (measured checks, all passed); search and filters narrow the list; a quiz saves its marks in the
 * browser and the weakest topic is named afterwards; the printable page holds every question.
 *
 * Every demo of every lab is run through the engine, with each of its checks asserted, by the lab's
 * `server/engine/__tests__/*-demos.test.ts` (and lib/interview.test.ts proves every question names a demo of
 * its lab). The browser therefore runs the whole "Show me" path once per lab, and for every other question
 * checks that its link leads to its lab, its demo and its question, which the lab page holds.
 */
import { expect, test } from '@playwright/test'
import { interviewQuestions, showMeHref, TOPICS } from '../lib/interview'
import { LABS } from '../lib/labs/catalogue'

const QUESTIONS = interviewQuestions()

/** The question of each lab whose "Show me" runs in the browser: one with a quick demo, not the one the lab's own spec runs. */
const RUN_IN_BROWSER: Record<string, string> = {
  ttl: 'why-always-set-ttl',
  'delete-vs-update': 'update-wastes-work',
  'write-through': 'write-through-ttl',
  'pattern-invalidation': 'scan-duplicates',
  'key-versioning': 'what-is-cache-versioning',
  races: 'stale-write-back',
  'event-driven': 'event-driven-invalidation',
  stampede: 'coalescing',
  'cache-warming': 'scheduled-warming',
  'best-practices': 'bp-why-always-ttl',
}

test('one question per lab is chosen, and it is a question of that lab', () => {
  expect(Object.keys(RUN_IN_BROWSER).sort()).toEqual(LABS.map((l) => l.id).sort())
  for (const [lab, id] of Object.entries(RUN_IN_BROWSER)) expect(QUESTIONS.find((q) => q.id === id)?.lab, id).toBe(lab)
})

test.describe('each lab\'s "Show me" from the interview page proves its answer', () => {
  for (const q of QUESTIONS.filter((x) => RUN_IN_BROWSER[x.lab] === x.id)) {
    test(`${q.lab}: ${q.question}`, async ({ page }) => {
      await page.goto(`/interview#${q.id}`)
      await page.getByRole('link', { name: 'Show me', exact: true }).click()
      await expect(page).toHaveURL(new RegExp(`/labs/${q.lab}#q-${q.id}$`))
      const question = page.locator(`#q-${q.id}`)
      await expect(question).toHaveAttribute('open', '')
      const outcome = question.getByTestId('demo-outcome')
      await expect(outcome).toHaveAttribute('data-passed', /true|false/, { timeout: 150_000 })
      // A failed check names itself, so a broken demo says which claim it could not show.
      const failed = await outcome.locator('li', { hasText: '✗' }).allTextContents()
      expect(failed, `checks that failed for ${q.id}`).toEqual([])
      await expect(outcome).toHaveAttribute('data-passed', 'true')
      // Every other question of this lab has its place on the page, for its own "Show me" to open.
      const ids = await page.locator('[data-region="questions"] > details').evaluateAll((els) => els.map((e) => e.id))
      expect(ids).toEqual(QUESTIONS.filter((x) => x.lab === q.lab).map((x) => `q-${x.id}`))
    })
  }
})

test('every question\'s "Show me" links to its lab, its demo and its question', async ({ page }) => {
  await page.goto('/interview')
  const list = page.getByRole('region', { name: 'Questions' })
  for (const q of QUESTIONS) {
    await list
      .getByRole('button')
      .filter({ has: page.getByText(q.question, { exact: true }) })
      .click()
    await expect(page).toHaveURL(new RegExp(`/interview#${q.id}$`))
    await expect(list.getByRole('link', { name: 'Show me', exact: true })).toHaveAttribute('href', showMeHref(q))
  }
})

test('search, topic and lab filters narrow the questions', async ({ page }) => {
  await page.goto('/interview')
  const list = page.getByRole('region', { name: 'Questions' }).locator('li')
  await expect(list).toHaveCount(QUESTIONS.length)
  await page.getByRole('searchbox').fill('stampede')
  const found = await list.count()
  expect(found).toBeGreaterThan(0)
  expect(found).toBeLessThan(QUESTIONS.length)
  await page.getByRole('searchbox').fill('')
  await page.getByRole('group', { name: 'Topic' }).getByRole('button', { name: TOPICS.events }).click()
  await expect(list).toHaveCount(QUESTIONS.filter((q) => q.meta.topics.includes('events')).length)
  await page.getByRole('group', { name: 'Topic' }).getByRole('button', { name: 'All topics' }).click()
  await page.getByLabel('Lab').selectOption('races')
  await expect(list).toHaveCount(QUESTIONS.filter((q) => q.lab === 'races').length)
})

test('a quiz saves its marks in the browser and names the weakest topic', async ({ page }) => {
  await page.goto('/interview/quiz')
  await page.getByRole('group', { name: 'Quiz topics' }).getByRole('button', { name: TOPICS.writes }).click()
  await page.getByLabel('Number of questions').fill('2')
  await page.getByRole('button', { name: 'Start' }).click()
  for (let i = 0; i < 2; i++) {
    await expect(page.getByTestId('quiz-card')).toContainText(`Question ${i + 1} of 2`)
    await page.getByRole('button', { name: 'Reveal the answer' }).click()
    await expect(page.getByTestId('quiz-answer')).toContainText('Trade-off')
    await page.getByRole('button', { name: 'Missed it' }).click()
  }
  await expect(page.getByTestId('quiz-done')).toContainText('Done: 0 of 2 got right')
  const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('cachelab.interview') ?? '{}'))
  expect(Object.keys(saved.questions ?? {})).toHaveLength(2)
  // Progress survives a reload, and the overview names the weak topic.
  await page.goto('/interview')
  await expect(page.getByTestId('progress-count')).toContainText(`2 of ${QUESTIONS.length} questions practised`)
  await expect(page.getByTestId('weak-topics')).toContainText(TOPICS.writes)
})

test('the printable summary holds every question', async ({ page }) => {
  await page.goto('/interview/print')
  for (const q of QUESTIONS) await expect(page.getByText(q.question, { exact: true }).first()).toBeVisible()
})
