/** Write-through lab: content. (A stub until the lab is built: see the issue.) */
import type { LabSpec } from './types'

export const writeThroughLab: LabSpec = {
  id: 'write-through',
  title: 'Write-through',
  tagline: 'Being built.',
  intro: 'Being built.',
  sources: ['server/engine/labs/write-through.ts'],
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
