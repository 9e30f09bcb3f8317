import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { LabView } from '@/components/lab-view'
import { LABS, findLab } from '@/lib/labs/catalogue'

export function generateStaticParams() {
  return LABS.map((lab) => ({ lab: lab.id }))
}

export const dynamicParams = false

export async function generateMetadata({ params }: { params: Promise<{ lab: string }> }): Promise<Metadata> {
  const lab = findLab((await params).lab)
  return lab ? { title: lab.title, description: lab.tagline } : {}
}

export default async function LabPage({ params }: { params: Promise<{ lab: string }> }) {
  const lab = findLab((await params).lab)
  if (!lab) notFound()
  return (
    <main className="mx-auto max-w-[1600px] px-4 py-5">
      <header className="mb-4 max-w-4xl">
        <p className="text-xs font-semibold tracking-wide text-sky-700 uppercase dark:text-sky-400">Lab</p>
        <h1 className="mt-1 text-2xl font-bold tracking-tight sm:text-3xl">{lab.title}</h1>
        <p className="mt-2 text-sm leading-6 text-zinc-700 dark:text-zinc-300">{lab.intro}</p>
      </header>
      <LabView lab={lab.id} />
    </main>
  )
}
