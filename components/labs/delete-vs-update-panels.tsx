'use client'

import type { ComponentType } from 'react'

/** Panels the delete-vs-update lab shows above its timeline. */
export const deleteVsUpdatePanels: ComponentType<{ lab: string }>[] = []
