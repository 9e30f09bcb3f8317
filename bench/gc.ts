/**
 * A full garbage collection on demand, without asking for `node --expose-gc`: benches call it between
 * measurements so one measurement does not pay for the garbage the previous one left behind.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as (() => void) | undefined

export function collectGarbage(): void {
  gc?.()
}
