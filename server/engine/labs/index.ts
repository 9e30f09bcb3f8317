/** The labs the engine can run, by id. */
import type { LabDefinition } from './lab'
import { ttlLabDefinition } from './ttl'

export const LAB_DEFINITIONS: Record<string, LabDefinition> = {
  [ttlLabDefinition.spec.id]: ttlLabDefinition,
}
