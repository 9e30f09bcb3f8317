/** Delete vs update on write lab: actions and their parameter schemas (server side; see actions.ts). */
import type { ActionSpec } from './actions'
import { commonActions } from './common'

export const deleteVsUpdateActions = {
  ...commonActions,
} satisfies Record<string, ActionSpec>
