'use client'

import type { ComponentType } from 'react'
import { CombinedPanel } from './best-practices-combined'
import { HealthPanel } from './best-practices-health'
import { MonitorPanel } from './best-practices-monitor'
import { TtlPanel } from './best-practices-ttl'

/** Panels the best-practices lab shows above its timeline: one per practice. */
export const bestPracticesPanels: ComponentType<{ lab: string }>[] = [
  HealthPanel,
  MonitorPanel,
  TtlPanel,
  CombinedPanel,
]
