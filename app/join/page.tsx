import type { Metadata } from 'next'
import { JoinForm } from '@/components/session/join-form'

export const metadata: Metadata = { title: 'Join a session' }

export default function JoinPage() {
  return (
    <main className="mx-auto max-w-md px-4 py-10">
      <h1 className="text-2xl font-bold tracking-tight">Join a session</h1>
      <p className="mt-2 mb-6 text-sm text-zinc-600 dark:text-zinc-400">Type the code your host shows.</p>
      <JoinForm />
    </main>
  )
}
