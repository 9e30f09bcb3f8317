/** Stampede lab: the engine side. (A stub until the lab is built.) */
import { stampedeLab } from '../../../lib/labs/stampede'
import { resetRoom, setDbLatency } from './common'
import type { LabDefinition } from './lab'

export const stampedeLabDefinition: LabDefinition = {
  spec: stampedeLab,
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
