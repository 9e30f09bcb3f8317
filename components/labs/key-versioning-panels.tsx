'use client'

import type { ComponentType } from 'react'
import { GenerationsPanel } from './key-versioning-memory'

/** Panels the key-versioning lab shows above its timeline: each generation's memory, charted and listed. */
export const versioningPanels: ComponentType<{ lab: string }>[] = [GenerationsPanel]
