'use client'

import type { ComponentType } from 'react'
import { WarmingComparePanel } from './cache-warming-compare'
import { WarmingSchedulePanel } from './cache-warming-schedule'

/** Panels the cache-warming lab shows above its timeline: cold vs warmed side by side, and the schedule. */
export const warmingPanels: ComponentType<{ lab: string }>[] = [WarmingComparePanel, WarmingSchedulePanel]
