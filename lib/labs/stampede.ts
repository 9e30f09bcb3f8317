/** Stampede lab: content. (A stub until the lab is built: see the issue.) */
import type { LabSpec } from './types'

export const stampedeLab: LabSpec = {
  id: 'stampede',
  title: 'Cache stampedes',
  tagline: 'Being built.',
  intro: 'Being built.',
  sources: ['server/engine/labs/stampede.ts'],
  walkthrough: [{ id: 'start', title: 'Start', body: 'Being built.' }],
  questions: [{ id: 'stampede-stub', question: 'Being built?', answer: 'Yes.', tradeoff: 'None.', demo: 'stub' }],
  demos: [
    {
      id: 'stub',
      title: 'Reset the lab',
      steps: [{ do: { action: 'reset' } }],
      checks: [{ text: 'The reset marker was recorded', measure: { match: { kind: 'marker' } }, min: 1 }],
    },
  ],
}
