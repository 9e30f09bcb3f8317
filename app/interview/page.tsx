import type { Metadata } from 'next'
import { InterviewBrowser } from '@/components/interview/interview-browser'

export const metadata: Metadata = {
  title: 'Interview prep',
  description: 'Every cache invalidation interview question, answered in a few sentences, each with a live demo that proves it.',
}

export default function InterviewPage() {
  return (
    <main className="mx-auto max-w-6xl px-4 py-6">
      <header className="mb-6 max-w-3xl">
        <p className="text-xs font-semibold tracking-wide text-sky-700 uppercase dark:text-sky-400">Interview prep</p>
        <h1 className="mt-1 text-3xl font-bold tracking-tight">Every question, with a demo that proves the answer</h1>
        <p className="mt-2 text-sm leading-6 text-zinc-700 dark:text-zinc-300">
          Short answers you can say aloud, each with its trade-off. &ldquo;Show me&rdquo; opens the lab and runs the demo on a real Redis and
          database, so you can watch the claim hold. Quiz yourself; your marks stay in this browser.
        </p>
      </header>
      <InterviewBrowser />
    </main>
  )
}
