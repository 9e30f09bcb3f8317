'use client'

import type { ComponentType } from 'react'
import { deleteVsUpdatePanels } from './delete-vs-update-panels'
import { writeThroughPanels } from './write-through-panels'
import { patternPanels } from './pattern-invalidation-panels'
import { versioningPanels } from './key-versioning-panels'
import { racesPanels } from './races-panels'
import { bestPracticesPanels } from './best-practices-panels'
import { warmingPanels } from './cache-warming-panels'
import { stampedePanels } from './stampede-panels'
import { EventDrivenControls } from './event-driven-controls'
import { eventDrivenPanels } from './event-driven-panels'
import { TtlControls } from './ttl-controls'

/**
 * Labs with a controls panel of their own; every other lab's controls are drawn from its content
 * (components/lab-controls.tsx).
 */
export const LAB_CONTROLS: Record<string, ComponentType> = {
  ttl: TtlControls,
  'event-driven': EventDrivenControls,
}

/** Extra panels a lab shows above its timeline (a SCAN stepper, a race stepper, a memory chart …). */
export const LAB_PANELS: Record<string, ComponentType<{ lab: string }>[]> = {
  'delete-vs-update': deleteVsUpdatePanels,
  'write-through': writeThroughPanels,
  'pattern-invalidation': patternPanels,
  'key-versioning': versioningPanels,
  'races': racesPanels,
  'event-driven': eventDrivenPanels,
  stampede: stampedePanels,
  'cache-warming': warmingPanels,
  'best-practices': bestPracticesPanels,
}
