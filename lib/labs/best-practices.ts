/** Best practices lab: content. (A stub until the lab is built: see the issue.) */
import type { LabSpec } from './types'

export const bestPracticesLab: LabSpec = {
  id: 'best-practices',
  title: 'Best practices',
  tagline: 'Being built.',
  intro: 'Being built.',
  sources: ['server/engine/labs/best-practices.ts'],
  walkthrough: [{ id: 'start', title: 'Start', body: 'Being built.' }],
  questions: [{ id: 'best-practices-stub', question: 'Being built?', answer: 'Yes.', tradeoff: 'None.', demo: 'stub' }],
  demos: [
    {
      id: 'stub',
      title: 'Reset the lab',
      steps: [{ do: { action: 'reset' } }],
      checks: [{ text: 'The reset marker was recorded', measure: { match: { kind: 'marker' } }, min: 1 }],
    },
  ],
}
