'use client'

import { useEffect, useMemo, useRef, useState } from 'react'
import { findLab } from '@/lib/labs/catalogue'
import { cn } from '@/lib/cn'
import { useRoom, useRoomClient } from './room-provider'

interface SourceFile {
  path: string
  lines: { t: string; c?: string; d?: string }[][]
  functions: { name: string; start: number; end: number }[]
}

/**
 * The engine code this lab runs, read from the server's own source files. The function the last request
 * ran is highlighted, so a learner can match a row of the timeline to the line that produced it.
 */
export function CodePanel({ lab }: { lab: string }) {
  const spec = findLab(lab)
  const client = useRoomClient()
  const { eventsVersion } = useRoom()
  const [files, setFiles] = useState<SourceFile[] | undefined>(undefined)
  const [error, setError] = useState<string | undefined>(undefined)
  /** A tab the learner picked, valid until the last request runs another function. */
  const [picked, setPicked] = useState<{ index: number; fn: string | undefined } | undefined>(undefined)
  const pre = useRef<HTMLPreElement>(null)

  useEffect(() => {
    let cancelled = false
    fetch(`/api/labs/${lab}/source`)
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((body: { files: SourceFile[] }) => !cancelled && setFiles(body.files))
      .catch((err: Error) => !cancelled && setError(err.message))
    return () => {
      cancelled = true
    }
  }, [lab])

  const lastAction = useMemo(() => {
    const events = client.log.events
    for (let i = events.length - 1; i >= 0; i--) {
      const e = events[i]!
      if (e.kind === 'request') return e.data.action
    }
    return undefined
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, eventsVersion])

  const fn = lastAction ? spec?.codeFor?.[lastAction] : undefined
  const fileOfFn = fn && files ? files.findIndex((f) => f.functions.some((x) => x.name === fn)) : -1
  const active = picked && picked.fn === fn ? picked.index : Math.max(0, fileOfFn)
  const setActive = (index: number) => setPicked({ index, fn })
  const file = files?.[active]
  const range = fn ? file?.functions.find((f) => f.name === fn) : undefined

  useEffect(() => {
    // Bring the highlighted function into view inside the code box (never scroll the page).
    if (!range || !pre.current) return
    const line = pre.current.querySelector<HTMLElement>(`[data-line="${range.start}"]`)
    if (line) pre.current.scrollTop = line.offsetTop - 8
  }, [range?.start, active]) // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <div data-region="code" className="flex min-h-0 flex-col">
      <div role="tablist" aria-label="Source files" className="flex flex-wrap gap-1 border-b border-zinc-200 px-2 pt-2 dark:border-zinc-800">
        {(files ?? []).map((f, i) => (
          <button
            key={f.path}
            role="tab"
            type="button"
            aria-selected={i === active}
            onClick={() => setActive(i)}
            className={cn(
              '-mb-px rounded-t-md border px-2.5 py-1 font-mono text-xs focus-visible:outline-2 focus-visible:outline-sky-500',
              i === active
                ? 'border-zinc-200 border-b-white bg-white text-zinc-900 dark:border-zinc-800 dark:border-b-zinc-900 dark:bg-zinc-900 dark:text-zinc-100'
                : 'border-transparent text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200',
            )}
          >
            {f.path.split('/').pop()}
          </button>
        ))}
      </div>
      {fn && range && (
        <p className="px-3 pt-2 text-xs text-zinc-600 dark:text-zinc-400">
          The last request (<span className="font-mono">{lastAction}</span>) ran{' '}
          <span className="font-mono font-semibold">{fn}()</span>, highlighted below.
        </p>
      )}
      {error && <p className="p-3 text-sm text-rose-600">Could not load the source: {error}</p>}
      {!files && !error && <p className="p-3 text-sm text-zinc-500">Loading the engine’s source…</p>}
      {file && (
        <pre ref={pre} className="relative max-h-[32rem] overflow-auto p-3 font-mono text-[12px] leading-5" data-testid="code" tabIndex={0} aria-label={`Source of ${file.path}`}>
          <code>
            {file.lines.map((tokens, i) => {
              const n = i + 1
              const lit = range && n >= range.start && n <= range.end
              return (
                <div key={n} data-line={n} className={cn('flex', lit && 'bg-amber-100/70 dark:bg-amber-400/10')}>
                  <span className="mr-4 inline-block w-8 shrink-0 text-right text-zinc-400 select-none">{n}</span>
                  <span className="whitespace-pre">
                    {tokens.map((tok, j) => (
                      <span key={j} className="code-token" style={{ color: tok.c, ['--d' as string]: tok.d }}>
                        {tok.t}
                      </span>
                    ))}
                  </span>
                </div>
              )
            })}
          </code>
        </pre>
      )}
      {file && <p className="border-t border-zinc-200 px-3 py-1.5 font-mono text-[11px] text-zinc-500 dark:border-zinc-800">{file.path}</p>}
    </div>
  )
}
