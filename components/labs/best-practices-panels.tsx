'use client'

import type { ComponentType } from 'react'

/** Panels the best-practices lab shows above its timeline. */
export const bestPracticesPanels: ComponentType<{ lab: string }>[] = []
