/** Cache warming lab: actions and their parameter schemas (server side; see actions.ts). */
import type { ActionSpec } from './actions'
import { commonActions } from './common'

export const warmingActions = {
  ...commonActions,
} satisfies Record<string, ActionSpec>
