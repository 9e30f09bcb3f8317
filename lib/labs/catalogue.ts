/** The labs that exist, in the order the home page lists them (content only: see actions.ts for their actions). */
import { bestPracticesLab } from './best-practices'
import { warmingLab } from './cache-warming'
import { deleteVsUpdateLab } from './delete-vs-update'
import { eventDrivenLab } from './event-driven'
import { racesLab } from './races'
import { stampedeLab } from './stampede'
import { patternLab } from './pattern-invalidation'
import { ttlLab } from './ttl'
import { versioningLab } from './key-versioning'
import { writeThroughLab } from './write-through'
import type { LabSpec } from './types'

export const LABS: readonly LabSpec[] = [ttlLab, deleteVsUpdateLab, writeThroughLab, patternLab, versioningLab, racesLab, eventDrivenLab, stampedeLab, warmingLab, bestPracticesLab]

export function findLab(id: string): LabSpec | undefined {
  return LABS.find((lab) => lab.id === id)
}
