/**
 * The `act` of a lab whose state is replaced on every change, never mutated: a new state object is the only
 * news for the browsers, so it is published only then. It is published even when the action fails partway,
 * since what the action changed before failing (a reset's defaults, a setting) stays changed.
 */
import type { Actor } from '../../../lib/events'
import type { LabInstance } from './lab'

export function actAndPublish(
  actions: Record<string, (params: Record<string, unknown>, by: Actor) => Promise<unknown>>,
  state: () => unknown,
  publish: () => void,
): LabInstance['act'] {
  return async (action, params, by) => {
    const handler = actions[action]
    if (!handler) throw new Error(`no handler for ${action}`)
    const before = state()
    try {
      return await handler(params, by)
    } finally {
      if (state() !== before) publish()
    }
  }
}
