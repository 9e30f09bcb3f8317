'use client'

import { useState } from 'react'
import { findLab } from '@/lib/labs/catalogue'
import { LIMITS } from '@/lib/limits'
import { formatCode } from '@/lib/session'
import type { SessionClient } from '@/lib/session-client'
import { Button } from '../ui/button'
import { Panel } from '../ui/panel'
import { PollCard } from './poll-card'
import { useSession } from './use-session'

const answerKey = (poll: string) => `cachelab.answer.${poll}`

/**
 * A participant's panel: who they are in which session, the poll to answer while it is open, and when the
 * host lets the class fire, the button that sends their requests into the lab (each press is
 * `LIMITS.requestsPerFire` reads, shown on the timeline under their name).
 */
export function ParticipantPanel({ client }: { client: SessionClient }) {
  const { state, presence, me } = useSession(client)
  const [error, setError] = useState<string | undefined>(undefined)
  const [sent, setSent] = useState(0)
  const [firing, setFiring] = useState(false)
  // The option this browser chose, per poll (the server keeps only the tally).
  const [chosen, setChosen] = useState<Record<string, number>>({})
  if (!state) return null

  const poll = state.poll
  const myAnswer = poll ? (chosen[poll.id] ?? readAnswer(poll.id)) : undefined
  const canFire = state.participation === 'fire' && !state.endedAt && !!findLab(state.lab)?.classAction

  const answer = async (option: number) => {
    if (!poll) return
    setError(undefined)
    try {
      await client.answer(option)
      localStorage.setItem(answerKey(poll.id), String(option))
      setChosen((c) => ({ ...c, [poll.id]: option }))
    } catch (err) {
      setError((err as Error).message)
    }
  }
  const fire = async () => {
    setError(undefined)
    setFiring(true)
    try {
      const n = await client.fire()
      setSent((s) => s + n)
    } catch (err) {
      setError((err as Error).message)
    } finally {
      setFiring(false)
    }
  }

  return (
    <Panel
      title="Classroom"
      region="classroom"
      bodyClassName="flex flex-col gap-3 p-3"
      actions={
        <span className="text-xs text-zinc-500" data-testid="presence-count">
          {presence.count} here
        </span>
      }
    >
      <p className="text-sm">
        You are <strong data-testid="my-name">{me?.name ?? '…'}</strong> in session{' '}
        <span className="font-mono font-semibold">{formatCode(state.code)}</span>.
      </p>
      {state.endedAt ? (
        <p role="status" className="rounded bg-zinc-100 px-2 py-1 text-sm dark:bg-zinc-800">
          The host has ended this session. What happened stays on the timeline.
        </p>
      ) : (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">The host drives: your screen follows their lab and walkthrough step.</p>
      )}
      {poll && <PollCard poll={poll} onAnswer={(i) => void answer(i)} chosen={myAnswer} />}
      {poll?.open && myAnswer !== undefined && <p className="text-xs text-zinc-600 dark:text-zinc-400">Answer saved; you can change it until the host closes the poll.</p>}
      {canFire ? (
        <div className="flex flex-col gap-1.5 rounded-lg border border-amber-300 bg-amber-50 p-3 dark:border-amber-800 dark:bg-amber-950/40">
          <p className="text-sm font-semibold">The host opened the lab to the class</p>
          <Button variant="primary" onClick={() => void fire()} disabled={firing} data-testid="fire">
            Fire {LIMITS.requestsPerFire} requests
          </Button>
          <p className="text-xs text-zinc-600 dark:text-zinc-400" aria-live="polite">
            {sent > 0 ? `${sent} of your requests reached the lab. Find them on the timeline under your name.` : 'Your requests show on the timeline under your name.'}
          </p>
        </div>
      ) : (
        !state.endedAt && <p className="text-xs text-zinc-500">Watching. The host can let everyone fire requests.</p>
      )}
      {error && (
        <p role="alert" className="text-xs text-rose-600">
          {error}
        </p>
      )}
    </Panel>
  )
}

function readAnswer(poll: string): number | undefined {
  if (typeof localStorage === 'undefined') return undefined
  const raw = localStorage.getItem(answerKey(poll))
  return raw === null ? undefined : Number(raw)
}
