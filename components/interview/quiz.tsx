'use client'

import Link from 'next/link'
import { useState } from 'react'
import { TOPICS, interviewQuestions, quizSession, showMeHref, type Grade, type InterviewQuestion, type Topic } from '@/lib/interview'
import { cn } from '@/lib/cn'
import { Button } from '../ui/button'
import { GradeBadge } from './grade-badge'
import { useProgress } from './use-progress'

const ALL = interviewQuestions()

/**
 * Quiz mode: a shuffled session of N questions from the chosen topics. Each shows the question alone; the
 * candidate answers in their head or types it, reveals the answer and marks themselves. Marks are saved in
 * the browser and feed the weak-topic list.
 */
export function Quiz({ initialTopic }: { initialTopic?: Topic }) {
  const { mark } = useProgress()
  const [topics, setTopics] = useState<Topic[]>(initialTopic ? [initialTopic] : [])
  const [size, setSize] = useState(5)
  const [session, setSession] = useState<InterviewQuestion[] | undefined>(undefined)
  const [index, setIndex] = useState(0)
  const [typed, setTyped] = useState('')
  const [revealed, setRevealed] = useState(false)
  const [grades, setGrades] = useState<Grade[]>([])

  const available = ALL.filter((q) => topics.length === 0 || q.meta.topics.some((t) => topics.includes(t))).length

  if (!session) {
    return (
      <div className="max-w-2xl space-y-4 rounded-lg border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900">
        <div>
          <p className="text-sm font-semibold">Topics</p>
          <p className="text-xs text-zinc-500">None picked means all of them.</p>
          <div className="mt-2 flex flex-wrap gap-1" role="group" aria-label="Quiz topics">
            {(Object.keys(TOPICS) as Topic[]).map((t) => (
              <button
                key={t}
                type="button"
                aria-pressed={topics.includes(t)}
                onClick={() => setTopics((ts) => (ts.includes(t) ? ts.filter((x) => x !== t) : [...ts, t]))}
                className={cn(
                  'rounded-full border px-2.5 py-0.5 text-xs',
                  topics.includes(t)
                    ? 'border-sky-600 bg-sky-600 text-white dark:border-sky-400 dark:bg-sky-500 dark:text-zinc-950'
                    : 'border-zinc-300 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800',
                )}
              >
                {TOPICS[t]}
              </button>
            ))}
          </div>
        </div>
        <label className="flex items-center gap-2 text-sm">
          Questions
          <input
            type="number"
            min={1}
            max={Math.max(1, available)}
            value={Math.min(size, Math.max(1, available))}
            onChange={(e) => setSize(Math.max(1, Number(e.target.value) || 1))}
            className="h-8 w-20 rounded-md border border-zinc-300 bg-white px-2 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-950"
            aria-label="Number of questions"
          />
          <span className="text-xs text-zinc-500">of {available} available</span>
        </label>
        <Button
          variant="primary"
          disabled={available === 0}
          onClick={() => {
            setSession(quizSession(ALL, Math.min(size, available), topics))
            setIndex(0)
            setGrades([])
            setRevealed(false)
            setTyped('')
          }}
        >
          Start
        </Button>
      </div>
    )
  }

  if (index >= session.length) {
    const got = grades.filter((g) => g === 'got-it').length
    return (
      <div className="max-w-2xl space-y-3 rounded-lg border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900" data-testid="quiz-done">
        <h2 className="text-lg font-semibold">
          Done: {got} of {session.length} got right
        </h2>
        <ul className="space-y-1 text-sm">
          {session.map((q, i) => (
            <li key={q.id} className="flex items-center gap-2">
              <GradeBadge grade={grades[i]!} />
              <Link href={`/interview#${q.id}`} className="hover:underline">
                {q.question}
              </Link>
            </li>
          ))}
        </ul>
        <div className="flex gap-2">
          <Button variant="primary" onClick={() => setSession(undefined)}>
            Another quiz
          </Button>
          <Link href="/interview" className="rounded-md border border-zinc-300 px-3.5 py-2 text-sm font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800">
            All questions
          </Link>
        </div>
      </div>
    )
  }

  const q = session[index]!
  const grade = (g: Grade) => {
    mark(q.id, g)
    setGrades((gs) => [...gs, g])
    setIndex((i) => i + 1)
    setRevealed(false)
    setTyped('')
  }
  return (
    <div className="max-w-2xl space-y-4 rounded-lg border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900" data-testid="quiz-card">
      <p className="text-xs text-zinc-500">
        Question {index + 1} of {session.length} · {q.meta.topics.map((t) => TOPICS[t]).join(', ')}
      </p>
      <h2 className="text-xl font-semibold" data-testid="quiz-question">
        {q.question}
      </h2>
      <label className="block text-sm">
        <span className="text-zinc-600 dark:text-zinc-400">Your answer (optional: answering aloud works too)</span>
        <textarea
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          rows={4}
          className="mt-1 w-full rounded-md border border-zinc-300 bg-white p-2 text-sm dark:border-zinc-700 dark:bg-zinc-950"
        />
      </label>
      {!revealed ? (
        <Button variant="primary" onClick={() => setRevealed(true)}>
          Reveal the answer
        </Button>
      ) : (
        <div className="space-y-3" data-testid="quiz-answer">
          <p className="text-sm">{q.answer}</p>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            <span className="font-semibold">Trade-off: </span>
            {q.tradeoff}
          </p>
          <Link href={showMeHref(q)} className="text-sm text-sky-700 hover:underline dark:text-sky-400">
            Show me in the {q.labTitle} lab →
          </Link>
          <div className="flex flex-wrap gap-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
            <span className="self-center text-sm text-zinc-600 dark:text-zinc-400">How did you do?</span>
            <Button onClick={() => grade('got-it')}>Got it</Button>
            <Button onClick={() => grade('partly')}>Partly</Button>
            <Button onClick={() => grade('missed')}>Missed it</Button>
          </div>
        </div>
      )}
    </div>
  )
}
