/** Cache-aside races lab: actions and their parameter schemas (server side; see actions.ts). */
import type { ActionSpec } from './actions'
import { commonActions } from './common'

export const racesActions = {
  ...commonActions,
} satisfies Record<string, ActionSpec>
