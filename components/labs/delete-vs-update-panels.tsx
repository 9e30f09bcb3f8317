'use client'

import type { ComponentType } from 'react'
import type { DeleteVsUpdateState, WriteOrder, WriteStrategy } from '@/lib/labs/delete-vs-update'
import type { WriteTrace } from '@/lib/labs/write-figures'
import { useRoom } from '../room-provider'
import { WriteComparison, WritePanel, WritePath } from './write-comparison'

type Step = WriteTrace['steps'][number]['step']

/** The steps the next write will take with these settings (the engine's writePlan, in words). */
function planOf(strategy: WriteStrategy, order: WriteOrder): Step[] {
  const cache: Step[] = strategy === 'delete' ? ['cache-del'] : order === 'db-first' ? ['cache-set'] : ['db-read', 'cache-set']
  return order === 'db-first' ? ['db-write', ...cache] : [...cache, 'db-write']
}

const WARNING: Record<WriteOrder, Record<WriteStrategy, string>> = {
  'db-first': {
    delete: 'The right order: nothing touches the cache unless the database committed.',
    update: 'The right order: the cache only ever receives a committed row.',
  },
  'cache-first': {
    delete: 'Wrong order: if the write fails the delete was for nothing; if it succeeds, a reader can cache the old row before the commit.',
    update: 'Wrong order: the value is stored before the database has it. If the write fails, the cache holds a version that never existed.',
  },
}

/** Delete on write and update on write side by side, and the path of the next (and last) write. */
function DeleteVsUpdatePanel() {
  const { labs } = useRoom()
  const state = labs['delete-vs-update'] as DeleteVsUpdateState | undefined
  if (!state?.comparison) return null
  const heading = `Next write: ${state.strategy === 'delete' ? 'delete on write' : 'update on write'}, ${state.order === 'db-first' ? 'DB first' : 'cache first'}.`
  return (
    <WritePanel title="The same write, two strategies">
      <WriteComparison figures={state.comparison} current={state.strategy} title="Delete on write and update on write compared" />
      <div className="flex flex-col gap-2">
        <WritePath plan={{ heading, steps: planOf(state.strategy, state.order) }} last={state.lastWrite} />
        <p
          className={
            state.order === 'db-first'
              ? 'text-xs text-emerald-800 dark:text-emerald-300'
              : 'rounded-md bg-amber-50 px-2 py-1.5 text-xs text-amber-900 dark:bg-amber-950/50 dark:text-amber-200'
          }
          data-testid="order-note"
        >
          {WARNING[state.order][state.strategy]}
        </p>
        {state.burst && <p className="text-xs text-sky-700 dark:text-sky-300">Burst running…</p>}
      </div>
    </WritePanel>
  )
}

/** Panels the delete-vs-update lab shows above its timeline. */
export const deleteVsUpdatePanels: ComponentType<{ lab: string }>[] = [DeleteVsUpdatePanel]
