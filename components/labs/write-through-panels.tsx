'use client'

import type { ComponentType } from 'react'
import type { WriteThroughState } from '@/lib/labs/write-through'
import { useRoom } from '../room-provider'
import { WriteComparison, WritePanel, WritePath } from './write-comparison'

/** Write-through beside the same write with delete on write, and the path of the last write. */
function WriteThroughPanel() {
  const { labs } = useRoom()
  const state = labs['write-through'] as WriteThroughState | undefined
  if (!state?.comparison) return null
  return (
    <WritePanel title="Write-through beside delete on write">
      <WriteComparison figures={state.comparison} title="Write-through and delete on write compared" />
      <WritePath
        plan={{ heading: 'A write-through write, before it answers:', steps: ['db-write', 'posts-read', 'cache-set'] }}
        last={state.lastWrite}
      />
    </WritePanel>
  )
}

/** Panels the write-through lab shows above its timeline. */
export const writeThroughPanels: ComponentType<{ lab: string }>[] = [WriteThroughPanel]
