'use client'

import type { ComponentType } from 'react'
import { MethodsPanel } from './pattern-invalidation-methods'
import { ScanLoopPanel } from './pattern-invalidation-scan'

/** Panels the pattern-invalidation lab shows above its timeline: the SCAN loop, and the three ways compared. */
export const patternPanels: ComponentType<{ lab: string }>[] = [ScanLoopPanel, MethodsPanel]
