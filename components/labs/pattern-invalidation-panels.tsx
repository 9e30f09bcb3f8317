'use client'

import type { ComponentType } from 'react'

/** Panels the pattern-invalidation lab shows above its timeline. */
export const patternPanels: ComponentType<{ lab: string }>[] = []
