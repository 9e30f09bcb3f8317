'use client'

import Link from 'next/link'
import { useEffect, useMemo, useState } from 'react'
import { MATERIAL_QUESTIONS, TOPICS, interviewQuestions, showMeHref, weakTopics, type Topic } from '@/lib/interview'
import { LABS } from '@/lib/labs/catalogue'
import { cn } from '@/lib/cn'
import { CopyButton } from '../copy-button'
import { GradeBadge } from './grade-badge'
import { useProgress } from './use-progress'

const ALL = interviewQuestions()

/**
 * Every interview question, searchable and filtered by topic and lab. Each card opens to the answer, the
 * trade-off, the lab figure, and "Show me", which opens the lab and runs the demo that proves it. A link
 * to `/interview#<id>` opens that question.
 */
export function InterviewBrowser() {
  const { progress, clear } = useProgress()
  const [query, setQuery] = useState('')
  const [topic, setTopic] = useState<Topic | 'all'>('all')
  const [lab, setLab] = useState('all')
  const [open, setOpen] = useState<string | undefined>(undefined)

  useEffect(() => {
    const fromHash = () => {
      const id = decodeURIComponent(window.location.hash.slice(1))
      if (ALL.some((q) => q.id === id)) {
        setOpen(id)
        requestAnimationFrame(() => document.getElementById(id)?.scrollIntoView({ block: 'start' }))
      }
    }
    fromHash()
    window.addEventListener('hashchange', fromHash)
    return () => window.removeEventListener('hashchange', fromHash)
  }, [])

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase()
    return ALL.filter(
      (x) =>
        (topic === 'all' || x.meta.topics.includes(topic)) &&
        (lab === 'all' || x.lab === lab) &&
        (!q || `${x.question} ${x.answer} ${x.tradeoff}`.toLowerCase().includes(q)),
    )
  }, [query, topic, lab])

  const weak = weakTopics(progress, ALL)
  const practised = Object.keys(progress.questions).length

  return (
    <div className="grid gap-6 lg:grid-cols-[16rem_minmax(0,1fr)]">
      <aside className="flex flex-col gap-4 lg:sticky lg:top-16 lg:self-start">
        <div className="rounded-lg border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900">
          <p className="text-sm font-semibold">Your progress</p>
          <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400" data-testid="progress-count">
            {practised} of {ALL.length} questions practised
          </p>
          {weak.length > 0 && (
            <div className="mt-2 text-xs">
              <p className="text-zinc-600 dark:text-zinc-400">Weakest topics:</p>
              <ul className="mt-1 space-y-0.5" data-testid="weak-topics">
                {weak.slice(0, 3).map((w) => (
                  <li key={w.topic}>
                    <button type="button" className="text-sky-700 hover:underline dark:text-sky-400" onClick={() => setTopic(w.topic)}>
                      {TOPICS[w.topic]}
                    </button>{' '}
                    <span className="text-zinc-500">{Math.round(w.score * 100)}%</span>
                  </li>
                ))}
              </ul>
            </div>
          )}
          <div className="mt-3 flex flex-wrap gap-2">
            <Link
              href={topic === 'all' ? '/interview/quiz' : `/interview/quiz?topic=${topic}`}
              className="rounded-md bg-sky-600 px-3 py-1.5 text-xs font-semibold text-white hover:bg-sky-700 dark:bg-sky-500 dark:text-zinc-950"
            >
              Start a quiz
            </Link>
            <Link href="/interview/print" className="rounded-md border border-zinc-300 px-3 py-1.5 text-xs font-semibold hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800">
              One-page summary
            </Link>
          </div>
          {practised > 0 && (
            <button type="button" onClick={clear} className="mt-2 text-xs text-zinc-500 hover:underline">
              Forget my progress
            </button>
          )}
        </div>
        <label className="flex flex-col gap-1 text-xs text-zinc-600 dark:text-zinc-400">
          Search
          <input
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="stampede, TTL, outbox…"
            className="h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-950 dark:text-zinc-100"
          />
        </label>
        <label className="flex flex-col gap-1 text-xs text-zinc-600 dark:text-zinc-400">
          Lab
          <select
            value={lab}
            onChange={(e) => setLab(e.target.value)}
            className="h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-950 dark:text-zinc-100"
          >
            <option value="all">All labs</option>
            {LABS.map((l) => (
              <option key={l.id} value={l.id}>
                {l.title}
              </option>
            ))}
          </select>
        </label>
        <div className="flex flex-wrap gap-1" role="group" aria-label="Topic">
          {(['all', ...Object.keys(TOPICS)] as (Topic | 'all')[]).map((t) => (
            <button
              key={t}
              type="button"
              aria-pressed={topic === t}
              onClick={() => setTopic(t)}
              className={cn(
                'rounded-full border px-2.5 py-0.5 text-xs',
                topic === t
                  ? 'border-sky-600 bg-sky-600 text-white dark:border-sky-400 dark:bg-sky-500 dark:text-zinc-950'
                  : 'border-zinc-300 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800',
              )}
            >
              {t === 'all' ? 'All topics' : TOPICS[t]}
            </button>
          ))}
        </div>
      </aside>

      <section aria-label="Questions">
        <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400" data-testid="shown-count">
          {shown.length} question{shown.length === 1 ? '' : 's'}
        </p>
        <ul className="space-y-2">
          {shown.map((q) => {
            const isOpen = open === q.id
            const p = progress.questions[q.id]
            return (
              <li key={q.id} id={q.id} className="scroll-mt-16 rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900" data-question={q.id}>
                <button
                  type="button"
                  aria-expanded={isOpen}
                  onClick={() => {
                    setOpen(isOpen ? undefined : q.id)
                    if (!isOpen) history.replaceState(null, '', `#${q.id}`)
                  }}
                  className="flex w-full items-start gap-3 px-4 py-3 text-left"
                >
                  <span className="mt-0.5 text-zinc-400" aria-hidden="true">
                    {isOpen ? '▾' : '▸'}
                  </span>
                  <span className="flex-1">
                    <span className="font-medium">{q.question}</span>
                    <span className="mt-1 flex flex-wrap items-center gap-1.5 text-[11px] text-zinc-500">
                      <span>{q.labTitle}</span>
                      {q.meta.topics.map((t) => (
                        <span key={t} className="rounded bg-zinc-100 px-1.5 py-0.5 dark:bg-zinc-800">
                          {TOPICS[t]}
                        </span>
                      ))}
                      {q.meta.material ? <span title={MATERIAL_QUESTIONS[q.meta.material]}>· from the material (Q{q.meta.material})</span> : <span>· follow-up</span>}
                    </span>
                  </span>
                  {p && <GradeBadge grade={p.grade} />}
                </button>
                {isOpen && (
                  <div className="space-y-3 px-4 pb-4 pl-10 text-sm">
                    <p>{q.answer}</p>
                    <p className="text-zinc-600 dark:text-zinc-400">
                      <span className="font-semibold">Trade-off: </span>
                      {q.tradeoff}
                    </p>
                    {q.meta.figure && (
                      <p className="rounded-md bg-sky-50 px-3 py-2 text-sky-950 dark:bg-sky-950/50 dark:text-sky-100">
                        <span className="font-semibold">Measured in the lab: </span>
                        {q.meta.figure}
                      </p>
                    )}
                    <div className="flex flex-wrap items-center gap-2">
                      <Link
                        href={showMeHref(q)}
                        className="rounded-md bg-sky-600 px-3 py-1.5 text-xs font-semibold text-white hover:bg-sky-700 dark:bg-sky-500 dark:text-zinc-950"
                      >
                        Show me
                      </Link>
                      <CopyButton text={typeof window === 'undefined' ? `/interview#${q.id}` : `${window.location.origin}/interview#${q.id}`} label="Copy link" />
                    </div>
                  </div>
                )}
              </li>
            )
          })}
        </ul>
      </section>
    </div>
  )
}
