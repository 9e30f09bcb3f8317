'use client'

import type { Poll } from '@/lib/session'
import { cn } from '@/lib/cn'

/**
 * A prediction poll: the question, each option with how many chose it, and once revealed the measured
 * outcome against the predictions. `onAnswer` makes the options buttons (a participant, while it is open).
 */
export function PollCard({ poll, onAnswer, chosen, large = false }: { poll: Poll; onAnswer?: (i: number) => void; chosen?: number; large?: boolean }) {
  const total = poll.tally.reduce((a, b) => a + b, 0)
  return (
    <div className={cn('rounded-lg border border-violet-300 bg-violet-50 p-3 dark:border-violet-800 dark:bg-violet-950/40', large && 'p-6')} data-testid="poll" data-open={poll.open}>
      <p className={cn('text-xs font-semibold tracking-wide text-violet-800 uppercase dark:text-violet-300', large && 'text-base')}>
        {poll.open ? 'Predict' : poll.outcome ? 'Result' : 'Predictions closed: watch the demo'}
      </p>
      <p className={cn('mt-1 font-semibold', large ? 'text-3xl leading-tight' : 'text-sm')}>{poll.question}</p>
      <ul className="mt-2 space-y-1.5">
        {poll.options.map((o, i) => {
          const n = poll.tally[i] ?? 0
          const right = poll.outcome?.option === i
          const content = (
            <>
              <span className="relative z-10 flex justify-between gap-2">
                <span>
                  {right && '✓ '}
                  {o.label}
                </span>
                <span className="font-mono tabular-nums">{n}</span>
              </span>
              <span
                className={cn('absolute inset-y-0 left-0 rounded', right ? 'bg-emerald-300/70 dark:bg-emerald-700/60' : 'bg-violet-200/80 dark:bg-violet-800/50')}
                style={{ width: total ? `${(n / total) * 100}%` : 0 }}
                aria-hidden="true"
              />
            </>
          )
          const cls = cn(
            'relative block w-full overflow-hidden rounded border px-2 py-1 text-left',
            large ? 'py-3 text-2xl' : 'text-sm',
            chosen === i ? 'border-violet-600 dark:border-violet-400' : 'border-violet-200 dark:border-violet-900',
            right && 'border-emerald-600 font-semibold',
          )
          return (
            <li key={i} data-option={i} data-count={n}>
              {onAnswer && poll.open ? (
                <button type="button" className={cn(cls, 'hover:border-violet-500')} onClick={() => onAnswer(i)} aria-pressed={chosen === i}>
                  {content}
                </button>
              ) : (
                <div className={cls}>{content}</div>
              )}
            </li>
          )
        })}
      </ul>
      {poll.outcome && (
        <p className={cn('mt-2 text-sm', large && 'text-2xl')} data-testid="poll-outcome">
          Measured: <strong className="font-mono">{poll.outcome.value}</strong>
          {poll.outcome.option === null ? ' (no option covered it)' : ` — ${poll.tally[poll.outcome.option] ?? 0} of ${total} predicted it`}
        </p>
      )}
    </div>
  )
}
