'use client'

import type { ComponentType } from 'react'
import { TtlControls } from './ttl-controls'

/** Each lab's controls panel, by lab id. */
export const LAB_CONTROLS: Record<string, ComponentType> = {
  ttl: TtlControls,
}
