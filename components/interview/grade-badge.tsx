import type { Grade } from '@/lib/interview'
import { cn } from '@/lib/cn'

const LABEL: Record<Grade, string> = { 'got-it': 'Got it', partly: 'Partly', missed: 'Missed' }

export function GradeBadge({ grade }: { grade: Grade }) {
  return (
    <span
      className={cn(
        'rounded px-1.5 py-0.5 text-[11px] font-semibold',
        grade === 'got-it' && 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200',
        grade === 'partly' && 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200',
        grade === 'missed' && 'bg-rose-100 text-rose-900 dark:bg-rose-950 dark:text-rose-200',
      )}
    >
      {LABEL[grade]}
    </span>
  )
}
