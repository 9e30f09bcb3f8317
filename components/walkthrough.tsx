'use client'

import { useEffect, useState } from 'react'
import { findLab } from '@/lib/labs/catalogue'
import { matches } from '@/lib/match'
import { cn } from '@/lib/cn'
import { useRoomClient } from './room-provider'
import { useLabAction } from './use-lab-action'
import { Button } from './ui/button'
import { Panel } from './ui/panel'
import { RichText } from './rich-text'

interface Progress {
  step: number
  done: string[]
}

/**
 * The guided walkthrough: numbered steps that explain, ask the learner to act (or act for them), and point
 * at the part of the page to look at. A step is done when the event it waits for arrives on the timeline.
 */
export function Walkthrough({
  lab,
  follow,
}: {
  lab: string
  /**
   * In a classroom: the step everyone is on (the host's), and for the host how to move it. Without `onStep`
   * the walkthrough only follows (a participant's screen).
   */
  follow?: { step: number; onStep?: (n: number) => void }
}) {
  const spec = findLab(lab)!
  const steps = spec.walkthrough
  const client = useRoomClient()
  const { run, error, busy } = useLabAction(lab)
  const storageKey = `cachelab.walkthrough.${lab}`
  const [progress, setProgress] = useState<Progress>({ step: 0, done: [] })
  const [startSeq, setStartSeq] = useState(0)
  const current = Math.min(follow?.step ?? progress.step, steps.length - 1)
  const step = steps[current]!
  const readOnly = follow !== undefined && !follow.onStep
  const isDone = progress.done.includes(step.id)

  // Restore progress saved in this browser.
  useEffect(() => {
    try {
      const saved = JSON.parse(localStorage.getItem(storageKey) ?? 'null') as Progress | null
      // Saved progress can only be read after hydration (the server has no localStorage): one extra render.
      // eslint-disable-next-line react-hooks/set-state-in-effect
      if (saved && Number.isInteger(saved.step) && Array.isArray(saved.done)) setProgress(saved)
    } catch {
      // Unreadable progress: start over.
    }
  }, [storageKey])

  useEffect(() => {
    localStorage.setItem(storageKey, JSON.stringify(progress))
  }, [progress, storageKey])

  useEffect(() => {
    if (!step.done || isDone) return
    const matcher = step.done
    return client.onEvents((added) => {
      if (added.some((e) => e.seq > startSeq && matches(e, matcher))) {
        setProgress((p) => (p.done.includes(step.id) ? p : { ...p, done: [...p.done, step.id] }))
      }
    })
  }, [client, step, isDone, startSeq])

  // Point at the region the step is about.
  useEffect(() => {
    if (!step.look) return
    const el = document.querySelector(`[data-region="${step.look}"]`)
    el?.classList.add('region-highlight')
    return () => el?.classList.remove('region-highlight')
  }, [step.look])

  const go = (n: number) => {
    if (readOnly) return
    follow?.onStep?.(Math.max(0, Math.min(steps.length - 1, n)))
    // A step only counts events that happen after it began; a step with nothing to wait for is done once left.
    setStartSeq(client.log.lastSeq)
    setProgress((p) => ({
      step: Math.max(0, Math.min(steps.length - 1, n)),
      done: !step.done && !p.done.includes(step.id) ? [...p.done, step.id] : p.done,
    }))
  }
  const doIt = async () => {
    for (const call of step.run ?? []) await run(call.action, call.params)
  }
  const last = current >= steps.length - 1
  const canAdvance = !step.done || isDone || step.optional

  return (
    <Panel
      title="Walkthrough"
      region="walkthrough"
      actions={
        <span className="text-xs text-zinc-500 tabular-nums" data-testid="walkthrough-progress">
          Step {current + 1} of {steps.length}
        </span>
      }
      bodyClassName="flex flex-col gap-3 p-3"
    >
      <ol className="flex gap-1" aria-label="Steps">
        {steps.map((s, i) => (
          <li key={s.id} className="flex-1">
            <button
              type="button"
              onClick={() => go(i)}
              aria-label={`Step ${i + 1}: ${s.title}${progress.done.includes(s.id) ? ' (done)' : ''}`}
              aria-current={i === current ? 'step' : undefined}
              className={cn(
                'block h-1.5 w-full rounded-full focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500',
                progress.done.includes(s.id)
                  ? 'bg-emerald-500'
                  : i === current
                    ? 'bg-sky-500'
                    : 'bg-zinc-200 dark:bg-zinc-700',
              )}
            />
          </li>
        ))}
      </ol>
      <div data-testid="walkthrough-step" data-step={step.id} data-done={isDone}>
        <h3 className="flex items-center gap-2 font-semibold">
          <span className="flex h-6 w-6 shrink-0 items-center justify-center rounded-full bg-sky-100 text-xs text-sky-800 dark:bg-sky-900 dark:text-sky-100">
            {isDone ? '✓' : current + 1}
          </span>
          {step.title}
        </h3>
        <RichText text={step.body} className="mt-2 space-y-2 text-sm text-zinc-700 dark:text-zinc-300" />
        {step.task && (
          <div
            className={cn(
              'mt-3 rounded-md border px-3 py-2 text-sm',
              isDone
                ? 'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950/50 dark:text-emerald-100'
                : 'border-sky-200 bg-sky-50 text-sky-950 dark:border-sky-900 dark:bg-sky-950/50 dark:text-sky-100',
            )}
          >
            <span className="font-semibold">{isDone ? 'Done: ' : readOnly ? 'Next in the demo: ' : 'Your turn: '}</span>
            {step.task}
          </div>
        )}
      </div>
      {readOnly ? (
        <p className="text-xs text-zinc-500" data-testid="walkthrough-following">
          Following the host: this moves when they move on.
        </p>
      ) : (
        <div className="flex flex-wrap items-center gap-2">
          <Button size="sm" variant="ghost" onClick={() => go(current - 1)} disabled={current === 0}>
            Back
          </Button>
          {step.run && !isDone && (
            <Button size="sm" onClick={() => void doIt()} disabled={busy}>
              Do it for me
            </Button>
          )}
          {step.optional && !isDone && (
            <Button size="sm" variant="ghost" onClick={() => go(current + 1)}>
              Skip
            </Button>
          )}
          <Button
            size="sm"
            variant={canAdvance ? 'primary' : 'secondary'}
            className="ml-auto"
            onClick={() => go(current + 1)}
            disabled={last}
          >
            Next step
          </Button>
        </div>
      )}
      {last && isDone && (
        <p className="text-sm text-emerald-700 dark:text-emerald-400">
          That is the whole walkthrough. Try the interview questions below.
        </p>
      )}
      {error && (
        <p role="alert" className="text-xs text-rose-600">
          {error}
        </p>
      )}
    </Panel>
  )
}
