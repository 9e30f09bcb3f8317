/** Every stampede strategy by id, all runnable on the same burst. */
import type { StrategyId } from '../../../../lib/labs/stampede-math'
import { coalescing } from './coalescing'
import { earlyLinear, xfetch } from './early-expiration'
import { leases } from './leases'
import { lock } from './lock'
import { noProtection } from './none'
import { softExpiry } from './soft-expiry'
import type { StampedeStrategy } from './types'

export const STAMPEDE_STRATEGIES: Record<StrategyId, StampedeStrategy> = {
  none: noProtection,
  lock,
  coalescing,
  'early-linear': earlyLinear,
  xfetch,
  soft: softExpiry,
  leases,
}
