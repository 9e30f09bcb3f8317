import { describe, expect, it } from 'vitest'
import { LABS } from './labs/catalogue'
import { MATERIAL_QUESTIONS, QUESTION_META, TOPICS, interviewQuestions, showMeHref } from './interview'

describe('interview content', () => {
  const questions = interviewQuestions()

  it('gives every lab at least one question, and every question a lab and a demo of that lab', () => {
    for (const lab of LABS) expect(lab.questions.length, lab.id).toBeGreaterThan(0)
    for (const q of questions) {
      const lab = LABS.find((l) => l.id === q.lab)
      expect(lab, q.id).toBeDefined()
      expect(
        lab!.demos.map((d) => d.id),
        q.id,
      ).toContain(q.demo)
    }
  })

  it('has one id per question across all labs, each with topics from the list', () => {
    const ids = questions.map((q) => q.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const q of questions) {
      expect(QUESTION_META[q.id], `no QUESTION_META for ${q.id}`).toBeDefined()
      expect(q.meta.topics.length, q.id).toBeGreaterThan(0)
      for (const t of q.meta.topics) expect(Object.keys(TOPICS), q.id).toContain(t)
    }
  })

  it('answers every question of the material we teach, and keeps no metadata for questions that are gone', () => {
    const answered = new Set(questions.map((q) => q.meta.material).filter((n) => n !== undefined))
    for (const n of Object.keys(MATERIAL_QUESTIONS).map(Number))
      expect(answered, `material question ${n}: ${MATERIAL_QUESTIONS[n]}`).toContain(n)
    for (const id of Object.keys(QUESTION_META))
      expect(
        questions.map((q) => q.id),
        id,
      ).toContain(id)
  })

  it('links "show me" to the lab, the demo and the question', () => {
    const q = questions[0]!
    expect(showMeHref(q)).toBe(`/labs/${q.lab}?run=${encodeURIComponent(q.demo)}#q-${q.id}`)
  })
})
