/** Best practices lab: the engine side. (A stub until the lab is built.) */
import { bestPracticesLab } from '../../../lib/labs/best-practices'
import { resetRoom, setDbLatency } from './common'
import type { LabDefinition } from './lab'

export const bestPracticesLabDefinition: LabDefinition = {
  spec: bestPracticesLab,
  create(room, env) {
    let state = { dbLatencyMs: 0, dbJitterMs: 0 }
    return {
      state: () => state,
      async act(action, params) {
        if (action === 'dbLatency') state = setDbLatency(room, params.ms as number, params.jitterMs as number)
        else if (action === 'reset') return resetRoom(room, env)
        env.publishState(state)
        return state
      },
      stop() {},
    }
  },
}
