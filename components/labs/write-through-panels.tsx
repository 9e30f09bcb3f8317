'use client'

import type { ComponentType } from 'react'

/** Panels the write-through lab shows above its timeline. */
export const writeThroughPanels: ComponentType<{ lab: string }>[] = []
