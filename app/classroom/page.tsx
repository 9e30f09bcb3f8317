import type { Metadata } from 'next'
import { JoinForm } from '@/components/session/join-form'
import { StartSession } from '@/components/session/start-session'

export const metadata: Metadata = {
  title: 'Classroom',
  description: 'Run a lab for a whole room: a join code, prediction polls, the class as the traffic burst, presenter mode.',
}

export default function ClassroomPage() {
  return (
    <main className="mx-auto max-w-5xl px-4 py-10">
      <h1 className="text-3xl font-bold tracking-tight">Classroom</h1>
      <p className="mt-3 max-w-2xl text-zinc-700 dark:text-zinc-300">
        Run a lab for a lecture or a workshop. Your class joins from their phones with a code, follows the lab and the walkthrough
        as you drive, predicts what the next demo will do, and when you let them, fires the requests themselves: each press
        shows on the timeline under its sender’s name.
      </p>
      <div className="mt-8 grid gap-6 md:grid-cols-2">
        <section className="rounded-lg border border-zinc-200 bg-white p-6 dark:border-zinc-800 dark:bg-zinc-900" aria-labelledby="host-title">
          <h2 id="host-title" className="text-lg font-semibold">
            Host a session
          </h2>
          <p className="mt-1 mb-4 text-sm text-zinc-600 dark:text-zinc-400">
            This browser becomes the host: it keeps a secret that lets it (and only it) drive the session, after a refresh too.
          </p>
          <StartSession />
        </section>
        <section className="rounded-lg border border-zinc-200 bg-white p-6 dark:border-zinc-800 dark:bg-zinc-900" aria-labelledby="join-title">
          <h2 id="join-title" className="text-lg font-semibold">
            Join a session
          </h2>
          <p className="mt-1 mb-4 text-sm text-zinc-600 dark:text-zinc-400">Type the code your host shows.</p>
          <JoinForm />
        </section>
      </div>
    </main>
  )
}
