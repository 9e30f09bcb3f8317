/** The labs that exist, in the order the home page lists them (content only: see actions.ts for their actions). */
import { ttlLab } from './ttl'
import type { LabSpec } from './types'

export const LABS: readonly LabSpec[] = [ttlLab]

export function findLab(id: string): LabSpec | undefined {
  return LABS.find((lab) => lab.id === id)
}
