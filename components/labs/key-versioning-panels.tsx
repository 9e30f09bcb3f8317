'use client'

import type { ComponentType } from 'react'

/** Panels the key-versioning lab shows above its timeline. */
export const versioningPanels: ComponentType<{ lab: string }>[] = []
