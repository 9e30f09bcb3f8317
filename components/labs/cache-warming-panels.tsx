'use client'

import type { ComponentType } from 'react'

/** Panels the cache-warming lab shows above its timeline. */
export const warmingPanels: ComponentType<{ lab: string }>[] = []
