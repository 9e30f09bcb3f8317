'use client'

import { useEffect, useRef } from 'react'
import { cn } from '@/lib/cn'
import { formatMs } from '@/lib/describe'
import {
  PATTERN_LIMITS,
  SCAN_MODES,
  type PatternLabState,
  type ScanRow,
  type ScanView,
} from '@/lib/labs/pattern-invalidation'
import { useRoom } from '../room-provider'
import { useLabAction } from '../use-lab-action'
import { Button } from '../ui/button'
import { Panel } from '../ui/panel'

const LAB = 'pattern-invalidation'
/** A long loop (resizes, a big keyspace) may take a while; the action waits this long for it. */
const RUN_TIMEOUT_MS = 120_000

/** The command the next Step sends. */
function nextCommand(state: PatternLabState): string {
  const loop = state.scan
  const cursor = !loop || loop.done ? '0' : loop.cursor
  const match = loop && !loop.done ? loop.match : `user:${loop?.userId ?? state.userId}:*`
  const set = loop?.set ?? (state.mode === 'sscan' ? `user:${state.userId}:keys` : undefined)
  return set
    ? `SSCAN ${set} ${cursor} MATCH ${match} COUNT ${state.count}`
    : `SCAN ${cursor} MATCH ${match} COUNT ${state.count}`
}

/**
 * The SCAN loop the engine holds, one row per call: the cursor it started from and the one it handed back,
 * how many keys it looked at and returned, which were new or came back again, what was deleted, and how
 * long another client's PING took meanwhile. Step makes one call from the held cursor; Run to the end
 * calls until the cursor is 0.
 */
export function ScanLoopPanel() {
  const { labs } = useRoom()
  const state = labs[LAB] as PatternLabState | undefined
  const { run, error, busy } = useLabAction(LAB)
  const loop = state?.scan ?? null
  const done = loop?.done ?? false

  return (
    <Panel
      title={loop?.set ? 'SSCAN loop over the tag set' : 'SCAN loop'}
      region="panels"
      actions={
        <span className="hidden text-xs text-zinc-500 sm:inline">
          {loop ? SCAN_MODES[loop.mode].label.toLowerCase() : state ? SCAN_MODES[state.mode].label.toLowerCase() : ''}
        </span>
      }
      bodyClassName="flex flex-col"
    >
      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <Button
          size="sm"
          variant="primary"
          disabled={busy}
          onClick={() => void run('scanStep')}
          data-testid="scan-step"
        >
          {done ? 'Step (new loop)' : 'Step'}
        </Button>
        <Button
          size="sm"
          disabled={busy}
          onClick={() => void run('scanRun', {}, RUN_TIMEOUT_MS)}
          data-testid="scan-run"
        >
          Run to the end
        </Button>
        <Button
          size="sm"
          variant="ghost"
          disabled={busy || !state}
          onClick={() => state && void run('scanStart', { userId: loop?.userId ?? state.userId, mode: state.mode })}
        >
          Restart
        </Button>
        <code
          className="min-w-0 rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs break-all dark:bg-zinc-800"
          data-testid="scan-next"
          title="The command the next Step sends"
        >
          {state ? nextCommand(state) : '…'}
        </code>
        {busy && <span className="text-xs text-zinc-500">working…</span>}
      </div>
      <div className="border-b border-zinc-200 px-3 py-1.5 dark:border-zinc-800">
        <span className="text-xs font-medium" data-testid="scan-status" data-done={done}>
          {!loop ? (
            <span className="text-zinc-500">no loop yet: Step sends the command shown</span>
          ) : done ? (
            <span className="text-emerald-700 dark:text-emerald-400">cursor back at 0: the loop is complete</span>
          ) : loop.capped ? (
            <span className="text-amber-700 dark:text-amber-400">
              paused after {PATTERN_LIMITS.runMaxCalls.toLocaleString('en')} calls in one go: run again to go on from
              cursor {loop.cursor}
            </span>
          ) : (
            <span className="text-sky-700 dark:text-sky-300">continues from cursor {loop.cursor}</span>
          )}
        </span>
      </div>
      {loop && <Summary loop={loop} />}
      {loop && loop.rows.length > 0 ? <Rows loop={loop} /> : null}
      {loop && <DuplicateNote loop={loop} />}
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

function Summary({ loop }: { loop: ScanView }) {
  const figures: [string, string | number, string?][] = [
    ['calls', loop.calls],
    ['examined', loop.examined.toLocaleString('en'), "keys the calls looked at, anyone's"],
    ['returned', loop.returned],
    ['distinct', loop.unique],
    ['again', loop.duplicates, 'returned keys the loop had already seen'],
    ['deleted', loop.deleted],
    ['round trips', loop.roundTrips, 'SCAN calls and UNLINKs the loop made'],
    [
      'PING waits',
      loop.probeMedianMs === null ? '—' : formatMs(loop.probeMedianMs),
      `another client's PING during the calls: typically this${loop.probeMaxMs === null ? '' : `, at worst ${formatMs(loop.probeMaxMs)}`}`,
    ],
  ]
  return (
    <dl
      className="grid grid-cols-4 gap-x-3 gap-y-1 border-b border-zinc-200 px-3 py-2 text-xs sm:grid-cols-8 dark:border-zinc-800"
      data-testid="scan-summary"
    >
      {figures.map(([label, value, title]) => (
        <div key={label} title={title}>
          <dt className="text-[10px] tracking-wide text-zinc-500 uppercase">{label}</dt>
          <dd
            className={cn(
              'font-mono text-sm font-semibold tabular-nums',
              label === 'again' && Number(value) > 0 && 'text-amber-700 dark:text-amber-400',
            )}
            data-figure={label}
          >
            {value}
          </dd>
        </div>
      ))}
    </dl>
  )
}

function Rows({ loop }: { loop: ScanView }) {
  const box = useRef<HTMLDivElement>(null)
  const last = loop.rows.at(-1)?.n
  // Keep the newest call in view.
  useEffect(() => {
    if (box.current) box.current.scrollTop = box.current.scrollHeight
  }, [last])
  return (
    <div ref={box} className="max-h-72 overflow-auto">
      <table className="w-full text-left text-xs" data-testid="scan-table">
        <thead className="sticky top-0 bg-white text-[11px] tracking-wide text-zinc-500 uppercase dark:bg-zinc-900">
          <tr className="border-b border-zinc-200 dark:border-zinc-800">
            <th className="px-2 py-1.5 font-semibold">#</th>
            <th className="px-2 py-1.5 font-semibold">cursor → next</th>
            <th className="hidden px-2 py-1.5 text-right font-semibold sm:table-cell">count</th>
            <th className="px-2 py-1.5 text-right font-semibold" title="Keys the call looked at, in the whole database">
              examined
            </th>
            <th className="px-2 py-1.5 text-right font-semibold">returned</th>
            <th className="px-2 py-1.5 text-right font-semibold" title="Returned keys seen before in this loop">
              again
            </th>
            <th className="px-2 py-1.5 text-right font-semibold">deleted</th>
            <th
              className="hidden px-2 py-1.5 text-right font-semibold sm:table-cell"
              title="A PING from another client while the call ran"
            >
              PING
            </th>
            <th className="hidden px-2 py-1.5 font-semibold md:table-cell">note</th>
          </tr>
        </thead>
        <tbody>
          {loop.droppedRows > 0 && (
            <tr>
              <td colSpan={9} className="px-2 py-1 text-zinc-500">
                {loop.droppedRows.toLocaleString('en')} earlier calls: on the timeline
              </td>
            </tr>
          )}
          {loop.rows.map((r) => (
            <Row key={r.n} r={r} />
          ))}
        </tbody>
      </table>
    </div>
  )
}

function Row({ r }: { r: ScanRow }) {
  const end = r.next === '0'
  return (
    <tr
      className={cn(
        'border-b border-zinc-100 dark:border-zinc-800/60',
        r.duplicates > 0 && 'bg-amber-50 dark:bg-amber-950/30',
        end && 'bg-emerald-50 dark:bg-emerald-950/30',
      )}
      data-row={r.n}
    >
      <td className="px-2 py-1 font-mono tabular-nums text-zinc-500">{r.n}</td>
      <td className="px-2 py-1 font-mono tabular-nums">
        {r.cursor} → <span className={cn(end && 'font-semibold text-emerald-700 dark:text-emerald-400')}>{r.next}</span>
      </td>
      <td className="hidden px-2 py-1 text-right font-mono tabular-nums sm:table-cell">{r.count}</td>
      <td className="px-2 py-1 text-right font-mono tabular-nums">{r.examined}</td>
      <td className={cn('px-2 py-1 text-right font-mono tabular-nums', r.returned === 0 && 'text-zinc-400')}>
        {r.returned}
      </td>
      <td
        className={cn(
          'px-2 py-1 text-right font-mono tabular-nums',
          r.duplicates > 0 ? 'font-semibold text-amber-700 dark:text-amber-400' : 'text-zinc-400',
        )}
      >
        {r.duplicates}
      </td>
      <td className={cn('px-2 py-1 text-right font-mono tabular-nums', r.deleted === 0 && 'text-zinc-400')}>
        {r.deleted}
      </td>
      <td className="hidden px-2 py-1 text-right font-mono tabular-nums sm:table-cell">
        {r.probeMs === null ? '—' : formatMs(r.probeMs)}
      </td>
      <td className="hidden max-w-[14rem] truncate px-2 py-1 text-zinc-500 md:table-cell" title={r.note}>
        {r.note ?? ''}
      </td>
    </tr>
  )
}

/** Says plainly whether this loop saw a key twice, and why it might not have. */
function DuplicateNote({ loop }: { loop: ScanView }) {
  let text: string
  if (loop.mode === 'delete') {
    text =
      'A delete loop never sees a key twice: once returned, the key is gone. Duplicates matter to loops that collect keys.'
  } else if (loop.duplicates > 0) {
    text = `${loop.duplicates} returned key${loop.duplicates === 1 ? '' : 's'} came back again; the Set dropped ${loop.duplicates === 1 ? 'it' : 'them'}, so each key is deleted once.`
  } else if (loop.resizeNote) {
    text = `${loop.resizeNote} Without a resize, keys rarely come back; the SSCAN mode resizes the tag set instead, whatever else Redis holds.`
  } else if (loop.mode === 'collect') {
    text = 'No key came back so far. Without a resize between calls that is the usual case; try a resizing mode.'
  } else if (loop.done) {
    text = `This run saw no key twice, after ${loop.resizes} resize${loop.resizes === 1 ? '' : 's'}. SCAN only may return duplicates: it depends on where the cursor stands when the table shrinks. Run it again.`
  } else {
    text = `No key has come back yet (${loop.resizes} resize${loop.resizes === 1 ? '' : 's'} so far).`
  }
  return (
    <p
      className="border-t border-zinc-200 px-3 py-2 text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400"
      data-testid="scan-duplicates"
    >
      {text}
    </p>
  )
}
