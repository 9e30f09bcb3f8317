'use client'

import { useCallback, useEffect, useState } from 'react'
import { findLab } from '@/lib/labs/catalogue'
import type { CheckResult } from '@/lib/match'
import { cn } from '@/lib/cn'
import { useRoom } from './room-provider'
import { useLabAction } from './use-lab-action'
import { Button } from './ui/button'

interface DemoOutcome {
  passed: boolean
  checks: CheckResult[]
  ms: number
}

/**
 * The interview questions this lab answers. Each answer has a "Show me" that runs the demo proving it on
 * this room's real Redis and database, narrated on the timeline, and ends with the measured checks.
 * A link to `#q-<id>` opens the question.
 */
export function Questions({ lab }: { lab: string }) {
  const spec = findLab(lab)!
  const [open, setOpen] = useState<string | undefined>(undefined)
  /** `?run=<demo>` (from the interview page's "Show me"): run that demo once the room is live. */
  const [autoRun, setAutoRun] = useState<string | undefined>(undefined)
  const { connection } = useRoom()

  useEffect(() => {
    const url = new URL(window.location.href)
    const run = url.searchParams.get('run')
    if (!run || !spec.demos.some((d) => d.id === run)) return
    url.searchParams.delete('run')
    // Once: a refresh or a shared link without `run` just opens the question.
    history.replaceState(null, '', url.pathname + url.search + url.hash)
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setAutoRun(run)
  }, [spec])

  useEffect(() => {
    const fromHash = () => {
      const m = /^#q-(.+)$/.exec(window.location.hash)
      if (m && spec.questions.some((q) => q.id === m[1])) {
        setOpen(m[1])
        document.getElementById(`q-${m[1]}`)?.scrollIntoView({ block: 'start' })
      }
    }
    fromHash()
    window.addEventListener('hashchange', fromHash)
    return () => window.removeEventListener('hashchange', fromHash)
  }, [spec])

  // Questions may share a demo: the URL's one runs once, under the question the link opened (else the first).
  const autoTarget = autoRun
    ? (spec.questions.find((q) => q.id === open && q.demo === autoRun) ?? spec.questions.find((q) => q.demo === autoRun))?.id
    : undefined

  return (
    <div className="divide-y divide-zinc-200 dark:divide-zinc-800" data-region="questions">
      {spec.questions.map((q) => (
        <details
          key={q.id}
          id={`q-${q.id}`}
          open={open === q.id}
          onToggle={(e) => {
            const isOpen = (e.currentTarget as HTMLDetailsElement).open
            if (isOpen && open !== q.id) setOpen(q.id)
            if (!isOpen && open === q.id) setOpen(undefined)
          }}
          className="group scroll-mt-16"
        >
          <summary className="flex cursor-pointer items-center gap-2 px-4 py-3 font-medium select-none hover:bg-zinc-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-sky-500 dark:hover:bg-zinc-800/50">
            <span className="text-zinc-400 transition-transform group-open:rotate-90" aria-hidden="true">
              ▸
            </span>
            {q.question}
          </summary>
          <div className="space-y-3 px-4 pb-4 pl-9 text-sm">
            <p className="text-zinc-800 dark:text-zinc-200">{q.answer}</p>
            <p className="text-zinc-600 dark:text-zinc-400">
              <span className="font-semibold">Trade-off: </span>
              {q.tradeoff}
            </p>
            <ShowMe lab={lab} demoId={q.demo} autoStart={autoTarget === q.id && connection === 'live'} onStarted={() => setAutoRun(undefined)} />
          </div>
        </details>
      ))}
    </div>
  )
}

function ShowMe({
  lab,
  demoId,
  autoStart = false,
  onStarted,
}: {
  lab: string
  demoId: string
  autoStart?: boolean
  onStarted?: () => void
}) {
  const demo = findLab(lab)!.demos.find((d) => d.id === demoId)!
  const { run, error, busy } = useLabAction(lab)
  const [outcome, setOutcome] = useState<DemoOutcome | undefined>(undefined)
  const start = useCallback(async () => {
    setOutcome(undefined)
    const result = (await run('demo', { id: demoId }, 120_000)) as DemoOutcome | undefined
    if (result) setOutcome(result)
  }, [run, demoId])
  useEffect(() => {
    if (!autoStart) return
    onStarted?.()
    // Starting the demo the URL asked for, once the room is live: a reaction to the outside, not derived state.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void start()
  }, [autoStart, onStarted, start])
  return (
    <div className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800" data-demo={demoId}>
      <div className="flex flex-wrap items-center gap-2">
        <Button variant="primary" size="sm" onClick={() => void start()} disabled={busy}>
          {busy ? 'Running…' : outcome ? 'Run it again' : 'Show me'}
        </Button>
        <span className="text-xs text-zinc-600 dark:text-zinc-400">{demo.title}</span>
      </div>
      {busy && <p className="mt-2 text-xs text-zinc-500">Watch the timeline: each step is narrated there as it runs.</p>}
      {outcome && (
        <div className="mt-2" data-testid="demo-outcome" data-passed={outcome.passed}>
          <p className={cn('text-sm font-semibold', outcome.passed ? 'text-emerald-700 dark:text-emerald-400' : 'text-rose-700 dark:text-rose-400')}>
            {outcome.passed ? 'Proved' : 'Not proved this time'} in {(outcome.ms / 1000).toFixed(1)} s
          </p>
          <ul className="mt-1 space-y-0.5 text-xs">
            {outcome.checks.map((c) => (
              <li key={c.text} className="flex gap-1.5">
                <span aria-hidden="true" className={c.passed ? 'text-emerald-600' : 'text-rose-600'}>
                  {c.passed ? '✓' : '✗'}
                </span>
                <span>
                  {c.text} <span className="text-zinc-500">({c.detail})</span>
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {error && <p role="alert" className="mt-2 text-xs text-rose-600">{error}</p>}
    </div>
  )
}
