import { cn } from '@/lib/cn'

/** A titled section of the lab page. `region` lets a walkthrough step point at it. */
export function Panel({
  title,
  region,
  actions,
  className,
  bodyClassName,
  children,
}: {
  title: React.ReactNode
  region?: string
  actions?: React.ReactNode
  className?: string
  bodyClassName?: string
  children: React.ReactNode
}) {
  return (
    <section
      data-region={region}
      aria-label={typeof title === 'string' ? title : undefined}
      className={cn(
        'flex min-w-0 flex-col rounded-lg border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900',
        className,
      )}
    >
      <header className="flex min-h-10 items-center gap-2 border-b border-zinc-200 px-3 py-1.5 dark:border-zinc-800">
        <h2 className="text-sm font-semibold tracking-tight">{title}</h2>
        {actions && <div className="ml-auto flex items-center gap-1.5">{actions}</div>}
      </header>
      <div className={cn('min-h-0 flex-1', bodyClassName)}>{children}</div>
    </section>
  )
}
