/**
 * Each lab's actions with the zod schemas of their parameters: what the HTTP API, the socket and the demos
 * may call, validated on the server. The browser does not import this (it would ship zod); its controls
 * read the same bounds from ../limits.
 */
import type { z } from 'zod'
import { bestPracticesActions } from './best-practices-actions'
import { warmingActions } from './cache-warming-actions'
import { deleteVsUpdateActions } from './delete-vs-update-actions'
import { eventDrivenActions } from './event-driven-actions'
import { versioningActions } from './key-versioning-actions'
import { patternActions } from './pattern-invalidation-actions'
import { racesActions } from './races-actions'
import { stampedeActions } from './stampede-actions'
import { ttlActions } from './ttl-actions'
import { writeThroughActions } from './write-through-actions'

export interface ActionSpec<P extends z.ZodObject = z.ZodObject> {
  label: string
  /** One sentence on what it does, shown in the API catalogue. */
  summary: string
  params: P
}

export const LAB_ACTIONS: Record<string, Record<string, ActionSpec>> = {
  ttl: ttlActions,
  'delete-vs-update': deleteVsUpdateActions,
  'write-through': writeThroughActions,
  'pattern-invalidation': patternActions,
  'key-versioning': versioningActions,
  races: racesActions,
  'event-driven': eventDrivenActions,
  stampede: stampedeActions,
  'cache-warming': warmingActions,
  'best-practices': bestPracticesActions,
}
