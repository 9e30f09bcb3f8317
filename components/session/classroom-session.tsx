'use client'

import Link from 'next/link'
import { useEffect, useState } from 'react'
import { findLab } from '@/lib/labs/catalogue'
import { formatCode, type SessionState } from '@/lib/session'
import { SessionClient, fetchSession, hostSecret, pendingName, savedParticipant } from '@/lib/session-client'
import { LabView } from '../lab-view'
import { HostBar } from './host-bar'
import { ParticipantPanel } from './participant-panel'
import { useSession } from './use-session'

type Lookup = { status: 'loading' } | { status: 'missing' } | { status: 'error'; message: string } | { status: 'ready'; state: SessionState }

/**
 * A classroom session's lab page, for the host or a participant: the lab the host picked, entered through the
 * session, with everyone's walkthrough on the host's step. The host also gets the controls, the demos and
 * the host bar; a participant gets their panel (polls, and the fire button when the host allows it).
 */
export function ClassroomSession({ code, role }: { code: string; role: 'host' | 'participant' }) {
  const [lookup, setLookup] = useState<Lookup>({ status: 'loading' })
  const [client] = useState(() => new SessionClient(code, role))
  const { state: live } = useSession(client)

  useEffect(() => {
    let cancelled = false
    fetchSession(code)
      .then((state) => !cancelled && setLookup(state ? { status: 'ready', state } : { status: 'missing' }))
      .catch((err: Error) => !cancelled && setLookup({ status: 'error', message: err.message }))
    return () => {
      cancelled = true
      client.stop()
    }
  }, [code, client])

  if (lookup.status === 'loading') return <p className="text-sm text-zinc-500">Finding session {formatCode(code)}…</p>
  if (lookup.status === 'missing')
    return (
      <Notice title={`No session ${formatCode(code)}`}>
        It may have ended (sessions close after two hours without activity), or the code has a typo.{' '}
        <Link className="underline" href="/join">
          Try another code
        </Link>
        .
      </Notice>
    )
  if (lookup.status === 'error') return <Notice title="The session could not be loaded">{lookup.message}</Notice>
  if (role === 'host' && !hostSecret(code))
    return (
      <Notice title="This browser is not the host">
        Only the browser that started session {formatCode(code)} can host it.{' '}
        <Link className="underline" href={`/join/${code}`}>
          Join it as a participant
        </Link>{' '}
        or{' '}
        <Link className="underline" href="/classroom">
          start your own
        </Link>
        .
      </Notice>
    )
  if (role === 'participant' && !savedParticipant(code) && !pendingName(code)) {
    // Nobody has given a name yet: the join page asks for one and comes back.
    window.location.replace(`/join/${code}`)
    return null
  }

  const state = live ?? lookup.state
  const lab = findLab(state.lab)
  const host = role === 'host'
  return (
    <>
      <header className="mb-4 max-w-4xl">
        <p className="text-xs font-semibold tracking-wide text-violet-700 uppercase dark:text-violet-400">
          Classroom · {formatCode(state.code)} · {host ? 'you are the host' : 'you are taking part'}
        </p>
        <h1 className="mt-1 text-2xl font-bold tracking-tight sm:text-3xl" data-testid="session-lab-title">
          {lab?.title ?? state.lab}
        </h1>
        {lab && <p className="mt-2 text-sm leading-6 text-zinc-700 dark:text-zinc-300">{lab.tagline}</p>}
      </header>
      <LabView
        // A different lab is a different page: its panels, walkthrough and settings start afresh.
        key={state.lab}
        lab={state.lab}
        classroom={{
          enter: client.enter,
          follow: { step: state.step, onStep: host ? (n) => void client.view(state.lab, n) : undefined },
          participant: !host,
          side: host ? <HostBar client={client} /> : <ParticipantPanel client={client} />,
        }}
      />
    </>
  )
}

function Notice({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div role="alert" className="mx-auto mt-10 max-w-lg rounded-lg border border-zinc-200 bg-white p-6 dark:border-zinc-800 dark:bg-zinc-900">
      <h1 className="text-lg font-semibold">{title}</h1>
      <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">{children}</p>
    </div>
  )
}
