/** The labs that exist, in the order the home page lists them. */
import type { LabSpec } from './types'
import { ttlLab } from './ttl'

export const LABS: readonly LabSpec[] = [ttlLab]

export function findLab(id: string): LabSpec | undefined {
  return LABS.find((lab) => lab.id === id)
}
