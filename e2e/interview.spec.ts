/**
 * The interview section as a candidate uses it: every question's "Show me" opens its lab and the demo that
 * runs there proves the answer (measured checks, all passed); search and filters narrow the list; a quiz
 * saves its marks in the browser and the weakest topic is named afterwards; the printable page holds every
 * question.
 */
import { expect, test } from '@playwright/test'
import { interviewQuestions, TOPICS } from '../lib/interview'

const QUESTIONS = interviewQuestions()

test.describe('every answer is proved by its demo', () => {
  for (const q of QUESTIONS) {
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
    })
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
