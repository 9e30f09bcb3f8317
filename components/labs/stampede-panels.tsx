'use client'

import type { ComponentType } from 'react'

/** Panels the stampede lab shows above its timeline. */
export const stampedePanels: ComponentType<{ lab: string }>[] = []
