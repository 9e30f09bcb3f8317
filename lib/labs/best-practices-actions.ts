/** Best practices lab: actions and their parameter schemas (server side; see actions.ts). */
import type { ActionSpec } from './actions'
import { commonActions } from './common'

export const bestPracticesActions = {
  ...commonActions,
} satisfies Record<string, ActionSpec>
