import type { Metadata } from 'next'
import { JoinForm } from '@/components/session/join-form'
import { formatCode, normaliseCode } from '@/lib/session'

export async function generateMetadata({ params }: { params: Promise<{ code: string }> }): Promise<Metadata> {
  return { title: `Join ${formatCode(normaliseCode((await params).code))}` }
}

export default async function JoinCodePage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params
  return (
    <main className="mx-auto max-w-md px-4 py-10">
      <h1 className="text-2xl font-bold tracking-tight">Join session {formatCode(normaliseCode(code))}</h1>
      <p className="mt-2 mb-6 text-sm text-zinc-600 dark:text-zinc-400">Choose the name the class will see.</p>
      <JoinForm code={code} />
    </main>
  )
}
