import type { Metadata } from 'next'
import { TOPICS, interviewQuestions } from '@/lib/interview'

export const metadata: Metadata = { title: 'Interview summary' }

/** One page to print or keep beside you: every question with its short answer and trade-off. */
export default function PrintPage() {
  const questions = interviewQuestions()
  return (
    <main className="mx-auto max-w-4xl px-4 py-6 print:max-w-none print:px-0 print:py-0">
      <header className="mb-4 flex items-baseline justify-between gap-4">
        <h1 className="text-2xl font-bold tracking-tight print:text-lg">Cache invalidation: interview summary</h1>
        <p className="text-xs text-zinc-500 print:hidden">Print this page (Ctrl/⌘ + P) for one sheet to revise from.</p>
      </header>
      <ol className="columns-1 gap-6 text-[13px] leading-snug md:columns-2 print:columns-2 print:text-[9.5pt]">
        {questions.map((q) => (
          <li key={q.id} className="mb-3 break-inside-avoid">
            <p className="font-semibold">{q.question}</p>
            <p className="mt-0.5">{q.answer}</p>
            <p className="mt-0.5 text-zinc-600 dark:text-zinc-400 print:text-zinc-700">Trade-off: {q.tradeoff}</p>
            <p className="mt-0.5 text-[11px] text-zinc-500">{q.meta.topics.map((t) => TOPICS[t]).join(' · ')} — {q.labTitle} lab</p>
          </li>
        ))}
      </ol>
    </main>
  )
}
