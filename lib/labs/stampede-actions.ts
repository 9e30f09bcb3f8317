/** Stampede lab: actions and their parameter schemas (server side; see actions.ts). */
import type { ActionSpec } from './actions'
import { commonActions } from './common'

export const stampedeActions = {
  ...commonActions,
} satisfies Record<string, ActionSpec>
