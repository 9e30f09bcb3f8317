'use client'

import type { StrategyFigures, WriteTrace } from '@/lib/labs/write-figures'
import { formatLatency } from '@/lib/labs/write-figures'
import { cn } from '@/lib/cn'
import { Panel } from '../ui/panel'

type Step = WriteTrace['steps'][number]['step']

/** What each step of a write does, in the words the panel shows. */
export const STEP_TEXT: Record<Step, { what: string; cmd: string; lane: 'db' | 'cache' }> = {
  'db-read': { what: 'Read the current row', cmd: 'SELECT', lane: 'db' },
  'db-write': { what: 'Update the row', cmd: 'UPDATE … RETURNING', lane: 'db' },
  'posts-read': { what: 'Query the posts to rebuild the profile', cmd: 'SELECT posts', lane: 'db' },
  'cache-del': { what: 'Delete the cached key', cmd: 'DEL', lane: 'cache' },
  'cache-set': { what: 'Store the new value with the TTL', cmd: 'SET … PX', lane: 'cache' },
}

/**
 * The strategies of a write-path lab side by side, from the figures the engine measured on this room's real
 * requests: what each write cost, what the first read after it cost, and what became of the values writes
 * stored. The walkthrough's "charts" steps point here: it comes before the live charts on the page.
 */
export function WriteComparison({ figures, current, title }: { figures: StrategyFigures[]; current?: string; title: string }) {
  const maxNextRead = Math.max(1, ...figures.map((f) => f.avgNextReadMs ?? 0))
  const maxWrite = Math.max(1, ...figures.map((f) => f.avgWriteMs ?? 0))
  const rows: { label: string; hint?: string; cell(f: StrategyFigures): React.ReactNode }[] = [
    { label: 'Writes', cell: (f) => (f.failedWrites > 0 ? `${f.writes} (${f.failedWrites} failed)` : f.writes) },
    {
      label: 'Mean write latency',
      hint: 'writes made one at a time; a burst’s requests wait for each other and are left out',
      cell: (f) => <Bar value={f.avgWriteMs} max={maxWrite} tone="write" />,
    },
    { label: 'SQL statements per write', cell: (f) => num(f.dbStatementsPerWrite) },
    { label: 'Redis commands per write', cell: (f) => num(f.cacheCommandsPerWrite) },
    { label: 'Value bytes sent per write', hint: 'bytes of cached value each write sends to Redis', cell: (f) => (f.bytesPerWrite === null ? '—' : `${Math.round(f.bytesPerWrite)} B`) },
    {
      label: 'First reads after a write',
      hint: 'hits among them, and how many served a version the database did not hold',
      cell: (f) =>
        f.nextReads === 0 ? (
          '—'
        ) : (
          <span>
            {f.nextReadHits} hit{f.nextReadHits === 1 ? '' : 's'} of {f.nextReads}
            {f.nextReadsWrong > 0 && <span className="text-rose-600 dark:text-rose-400"> · {f.nextReadsWrong} wrong</span>}
          </span>
        ),
    },
    { label: 'Their mean latency', hint: 'reads made one at a time', cell: (f) => <Bar value={f.avgNextReadMs} max={maxNextRead} tone="read" /> },
    { label: 'Values stored by writes', cell: (f) => f.stored },
    { label: '… later read', cell: (f) => (f.stored === 0 ? '—' : f.readAfterStore) },
    {
      label: '… gone unread (wasted)',
      hint: 'overwritten, deleted or expired before any read',
      cell: (f) => (f.stored === 0 ? '—' : <span className={cn(f.wasted > 0 && 'font-semibold text-rose-600 dark:text-rose-400')}>{f.wasted}</span>),
    },
    { label: '… not read yet', cell: (f) => (f.stored === 0 ? '—' : f.unread) },
  ]
  return (
    <div className="min-w-0 overflow-x-auto">
      <table className="w-full text-left text-xs" data-testid="write-comparison" aria-label={title}>
        <thead>
          <tr className="border-b border-zinc-200 dark:border-zinc-800">
            <th className="px-3 py-1.5 text-[11px] font-semibold tracking-wide text-zinc-500 uppercase">Measured</th>
            {figures.map((f) => (
              <th
                key={f.id}
                data-strategy={f.id}
                aria-current={f.id === current ? 'true' : undefined}
                className={cn('px-3 py-1.5 text-sm font-semibold', f.id === current && 'bg-sky-50 text-sky-900 dark:bg-sky-950/40 dark:text-sky-100')}
              >
                {f.label}
                {f.id === current && <span className="ml-1.5 text-[10px] font-medium text-sky-700 uppercase dark:text-sky-300">selected</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.label} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800/60">
              <th scope="row" className="px-3 py-1 font-normal text-zinc-600 dark:text-zinc-400" title={r.hint}>
                {r.label}
              </th>
              {figures.map((f) => (
                <td key={f.id} data-strategy={f.id} data-row={r.label} className={cn('px-3 py-1 font-mono tabular-nums', f.id === current && 'bg-sky-50/60 dark:bg-sky-950/20')}>
                  {r.cell(f)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** A latency with a bar in proportion to the larger of the two, so the difference is seen, not computed. */
function Bar({ value, max, tone }: { value: number | null; max: number; tone: 'read' | 'write' }) {
  if (value === null) return <span>—</span>
  return (
    <span className="flex items-center gap-2">
      <span className="w-16 shrink-0">{formatLatency(value)}</span>
      <span className="hidden h-1.5 min-w-0 flex-1 rounded-full bg-zinc-100 sm:block dark:bg-zinc-800" aria-hidden="true">
        <span
          className={cn('block h-full rounded-full', tone === 'read' ? 'bg-teal-500' : 'bg-violet-500')}
          style={{ width: `${Math.max(2, (value / max) * 100)}%` }}
        />
      </span>
    </span>
  )
}

function num(n: number | null): string {
  return n === null ? '—' : String(Number(n.toFixed(2)))
}

/**
 * The steps of a write: the plan for the next one (from the lab's settings), or, once one ran, what each
 * step of the last write did, with its time and its error.
 */
export function WritePath({ plan, last, title = 'Write path' }: { plan: { heading: string; steps: Step[] }; last: WriteTrace | null; title?: string }) {
  return (
    <div className="flex min-w-0 flex-col gap-3 text-xs" data-testid="write-path">
      <div>
        <h3 className="mb-1 text-[11px] font-semibold tracking-wide text-zinc-500 uppercase">{title}</h3>
        <p className="mb-1 text-zinc-600 dark:text-zinc-400">{plan.heading}</p>
        <ol className="flex flex-col gap-1" data-testid="write-plan">
          {plan.steps.map((s, i) => (
            <li key={s} className="flex items-center gap-2">
              <StepNumber n={i + 1} lane={STEP_TEXT[s].lane} />
              <span>{STEP_TEXT[s].what}</span>
              <code className="ml-auto font-mono text-[11px] whitespace-nowrap text-zinc-500">{STEP_TEXT[s].cmd}</code>
            </li>
          ))}
        </ol>
      </div>
      {last && (
        <div data-testid="last-write" data-ok={last.ok}>
          <h3 className="mb-1 flex flex-wrap items-baseline gap-x-2 text-[11px] font-semibold tracking-wide text-zinc-500 uppercase">
            Last write
            <span className="font-normal tracking-normal normal-case">
              {last.strategy}, {last.order === 'db-first' ? 'DB first' : 'cache first'}, user {last.userId}, {formatLatency(last.ms)}
            </span>
            <span className={cn('tracking-normal normal-case', last.ok ? 'text-emerald-700 dark:text-emerald-400' : 'text-rose-600 dark:text-rose-400')}>
              {last.ok ? 'committed' : 'failed'}
            </span>
          </h3>
          <ol className="flex flex-col gap-1">
            {last.steps.map((s, i) => (
              <li key={i} className="flex flex-col gap-0.5" data-step={s.step} data-ok={s.ok}>
                <span className="flex items-center gap-2">
                  <StepNumber n={i + 1} lane={STEP_TEXT[s.step].lane} />
                  <span>{STEP_TEXT[s.step].what}</span>
                  <span className={cn('ml-auto font-semibold', s.ok ? 'text-emerald-700 dark:text-emerald-400' : 'text-rose-600 dark:text-rose-400')}>
                    {s.ok ? '✓' : '✗'}
                  </span>
                  <span className="w-14 text-right font-mono text-zinc-500 tabular-nums">{formatLatency(s.ms)}</span>
                </span>
                {s.detail && <span className="pl-7 text-rose-700 dark:text-rose-300">{s.detail}</span>}
              </li>
            ))}
          </ol>
        </div>
      )}
    </div>
  )
}

function StepNumber({ n, lane }: { n: number; lane: 'db' | 'cache' }) {
  return (
    <span
      className="flex h-5 w-5 shrink-0 items-center justify-center rounded-full text-[10px] font-semibold text-white"
      style={{ background: lane === 'db' ? 'var(--color-lane-db)' : 'var(--color-lane-cache)' }}
      title={lane === 'db' ? 'database' : 'cache'}
    >
      {n}
    </span>
  )
}

/** The panel both write-path labs show: comparison on the left, the write path on the right. */
export function WritePanel({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Panel title={title} region="charts" bodyClassName="grid gap-4 p-3 lg:grid-cols-[minmax(0,1fr)_17rem]">
      {children}
    </Panel>
  )
}
