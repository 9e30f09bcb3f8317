'use client'

import type { ComponentType } from 'react'
import { BurstPanel, BurstResultPanel } from './stampede-burst'
import { ComparisonPanel } from './stampede-compare'
import { XFetchPanel } from './stampede-xfetch'

/** Panels the stampede lab shows above its timeline: the burst, its results, the comparison, the XFetch plot. */
export const stampedePanels: ComponentType<{ lab: string }>[] = [
  BurstPanel,
  BurstResultPanel,
  ComparisonPanel,
  XFetchPanel,
]
