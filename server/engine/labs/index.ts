/** The labs the engine can run, by id. */
import type { LabDefinition } from './lab'
import { bestPracticesLabDefinition } from './best-practices'
import { warmingLabDefinition } from './cache-warming'
import { deleteVsUpdateLabDefinition } from './delete-vs-update'
import { eventDrivenLabDefinition } from './event-driven'
import { versioningLabDefinition } from './key-versioning'
import { patternLabDefinition } from './pattern-invalidation'
import { racesLabDefinition } from './races'
import { stampedeLabDefinition } from './stampede'
import { ttlLabDefinition } from './ttl'
import { writeThroughLabDefinition } from './write-through'

export const LAB_DEFINITIONS: Record<string, LabDefinition> = {
  [ttlLabDefinition.spec.id]: ttlLabDefinition,
  [deleteVsUpdateLabDefinition.spec.id]: deleteVsUpdateLabDefinition,
  [writeThroughLabDefinition.spec.id]: writeThroughLabDefinition,
  [patternLabDefinition.spec.id]: patternLabDefinition,
  [versioningLabDefinition.spec.id]: versioningLabDefinition,
  [racesLabDefinition.spec.id]: racesLabDefinition,
  [eventDrivenLabDefinition.spec.id]: eventDrivenLabDefinition,
  [stampedeLabDefinition.spec.id]: stampedeLabDefinition,
  [warmingLabDefinition.spec.id]: warmingLabDefinition,
  [bestPracticesLabDefinition.spec.id]: bestPracticesLabDefinition,
}
