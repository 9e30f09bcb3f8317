'use client'

import type { ComponentType } from 'react'

/** Panels the races lab shows above its timeline. */
export const racesPanels: ComponentType<{ lab: string }>[] = []
