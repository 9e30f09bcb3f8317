import type { Metadata } from 'next'
import { Quiz } from '@/components/interview/quiz'
import { TOPICS, type Topic } from '@/lib/interview'

export const metadata: Metadata = { title: 'Interview quiz' }

export default async function QuizPage({ searchParams }: { searchParams: Promise<{ topic?: string }> }) {
  const { topic } = await searchParams
  const initial = topic && topic in TOPICS ? (topic as Topic) : undefined
  return (
    <main className="mx-auto max-w-6xl px-4 py-6">
      <header className="mb-6">
        <p className="text-xs font-semibold tracking-wide text-sky-700 uppercase dark:text-sky-400">Interview prep</p>
        <h1 className="mt-1 text-3xl font-bold tracking-tight">Quiz</h1>
        <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">The question alone. Answer it, reveal ours, and mark yourself honestly.</p>
      </header>
      <Quiz initialTopic={initial} />
    </main>
  )
}
