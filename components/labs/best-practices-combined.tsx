'use client'

import { cn } from '@/lib/cn'
import { COMBINED_FAULTS, COMBINED_TTL, FAULT_INFO, type CombinedRow } from '@/lib/labs/best-practices'
import { useLabAction } from '../use-lab-action'
import { Button } from '../ui/button'
import { Panel } from '../ui/panel'
import { LAB, formatMs, useBestPractices } from './best-practices-health'

/** Long enough for every fault's run (about 9 s each). */
const RUN_TIMEOUT_MS = 120_000

/**
 * Combine strategies: write-through, an event to the other server and a TTL, with a fault in one layer at a
 * time. One row per fault: the stale reads it caused, for how long, and which layer ended them.
 */
export function CombinedPanel() {
  const state = useBestPractices()
  const { run, error, busy } = useLabAction(LAB)
  if (!state) return null
  const { running, rows } = state.combined
  const byFault = new Map<string, CombinedRow>(rows.map((r) => [r.fault, r]))
  return (
    <Panel
      title="Combine strategies"
      region="panels"
      actions={
        <Button
          size="sm"
          variant="primary"
          disabled={busy || running !== null}
          onClick={() => void run('combineAll', { detach: true })}
        >
          Run all faults
        </Button>
      }
      bodyClassName="flex flex-col"
    >
      <p className="px-3 pt-3 text-sm text-zinc-600 dark:text-zinc-400">
        app1 writes user 3: it commits, writes the row through to Redis (TTL {COMBINED_TTL.redis} s) and publishes the
        change so app2 drops its in-process copy (L1 TTL {COMBINED_TTL.l1} s). Both servers then read every {250} ms for
        8 s. Fault one layer and see which one ends the stale reads.
      </p>
      {/* Below `sm` each fault is a card with its Run button beside its name: as a five-column table the
          buttons sat past the right edge of a phone. From `sm` up it is the table. */}
      <div className="overflow-x-auto">
        <table className="mt-2 block w-full text-left text-xs sm:table sm:min-w-[34rem]" data-testid="combined-table">
          <thead className="hidden text-[11px] tracking-wide text-zinc-500 uppercase sm:table-header-group">
            <tr className="border-y border-zinc-200 dark:border-zinc-800">
              <th className="px-3 py-1.5 font-semibold">Fault</th>
              <th className="px-3 py-1.5 text-right font-semibold">Stale reads</th>
              <th className="px-3 py-1.5 text-right font-semibold">Stale for</th>
              <th className="px-3 py-1.5 font-semibold">Saved by</th>
              <th className="px-3 py-1.5" />
            </tr>
          </thead>
          <tbody className="block border-t border-zinc-200 sm:table-row-group sm:border-t-0 dark:border-zinc-800">
            {COMBINED_FAULTS.map((fault) => {
              const r = byFault.get(fault)
              const lost = r && !r.freshAtEnd
              const runningNow = running === fault
              return (
                <tr
                  key={fault}
                  data-fault={fault}
                  data-saved-by={r?.savedBy ?? ''}
                  className={cn(
                    'grid grid-cols-[1fr_1fr_auto] items-center gap-x-3 gap-y-1 border-b border-zinc-100 px-3 py-2 sm:table-row sm:p-0 dark:border-zinc-800/60',
                    lost && 'bg-rose-50 dark:bg-rose-950/30',
                  )}
                >
                  <td className="col-span-2 sm:px-3 sm:py-1.5">
                    <div className="font-medium">{FAULT_INFO[fault].label}</div>
                    <div className="text-[11px] text-zinc-500">{FAULT_INFO[fault].detail}</div>
                  </td>
                  <td className="font-mono tabular-nums sm:px-3 sm:py-1.5 sm:text-right">
                    <CardLabel>stale reads</CardLabel>
                    {r ? r.staleReads : '—'}
                  </td>
                  <td className="font-mono tabular-nums sm:px-3 sm:py-1.5 sm:text-right">
                    <CardLabel>for</CardLabel>
                    {r ? (r.staleReads === 0 ? '—' : lost ? 'still stale' : formatMs(r.staleWindowMs)) : '—'}
                  </td>
                  <td
                    className={cn(
                      'col-span-3 font-medium sm:px-3 sm:py-1.5',
                      !runningNow && !r && 'hidden sm:table-cell',
                      r?.savedBy === 'nothing' && 'text-rose-700 dark:text-rose-300',
                    )}
                  >
                    {runningNow ? (
                      <span className="animate-pulse text-sky-700 dark:text-sky-300">running…</span>
                    ) : r ? (
                      <>
                        <CardLabel>saved by</CardLabel>
                        {savedLabel(r)}
                      </>
                    ) : null}
                  </td>
                  {/* First row of the card, right of the fault's name; the last column of the table. */}
                  <td className="col-start-3 row-start-1 sm:px-3 sm:py-1.5 sm:text-right">
                    <Button
                      size="sm"
                      disabled={busy || running !== null}
                      onClick={() => void run('combine', { fault }, RUN_TIMEOUT_MS)}
                    >
                      Run
                    </Button>
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
      {error && (
        <p
          role="alert"
          className="m-3 rounded-md bg-rose-50 px-2 py-1.5 text-xs text-rose-800 dark:bg-rose-950 dark:text-rose-200"
        >
          {error}
        </p>
      )}
    </Panel>
  )
}

/**
 * What a column header says, said inside the cell on a phone, where the table's header is hidden. The space is
 * text, not only margin, so the cell reads "stale reads 64" to a screen reader too.
 */
function CardLabel({ children }: { children: React.ReactNode }) {
  return <span className="mr-1 font-sans font-normal text-zinc-500 sm:hidden">{children} </span>
}

function savedLabel(r: CombinedRow): string {
  if (r.savedBy === 'write-through and event') return 'write-through and the event: nothing went stale'
  if (r.savedBy === 'nothing') return r.freshAtEnd ? 'nothing measured' : 'nothing: stale until the next write'
  return `the ${r.savedBy}`
}
