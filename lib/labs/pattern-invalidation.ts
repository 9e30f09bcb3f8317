/** Pattern invalidation with SCAN lab: content. (A stub until the lab is built: see the issue.) */
import type { LabSpec } from './types'

export const patternLab: LabSpec = {
  id: 'pattern-invalidation',
  title: 'Pattern invalidation with SCAN',
  tagline: 'Being built.',
  intro: 'Being built.',
  sources: ['server/engine/labs/pattern-invalidation.ts'],
  walkthrough: [{ id: 'start', title: 'Start', body: 'Being built.' }],
  questions: [{ id: 'stub', question: 'Being built?', answer: 'Yes.', tradeoff: 'None.', demo: 'stub' }],
  demos: [
    {
      id: 'stub',
      title: 'Reset the lab',
      steps: [{ do: { action: 'reset' } }],
      checks: [{ text: 'The reset marker was recorded', measure: { match: { kind: 'marker' } }, min: 1 }],
    },
  ],
}
