'use client'

import { useEffect, useState } from 'react'
import { LABS } from '@/lib/labs/catalogue'
import { GENERIC_POLLS, POLL_TEMPLATES, formatCode, type PollTemplate } from '@/lib/session'
import type { SessionClient } from '@/lib/session-client'
import { cn } from '@/lib/cn'
import { CopyButton } from '../copy-button'
import { Button } from '../ui/button'
import { Panel } from '../ui/panel'
import { PollCard } from './poll-card'
import { useSession } from './use-session'

/**
 * The host's panel: the join code, link and QR code; who is here; which lab everyone sees; whether the class
 * may fire; a link to presenter mode; prediction polls (open, close, reveal the measured outcome); end the session.
 */
export function HostBar({ client }: { client: SessionClient }) {
  const { state, presence } = useSession(client)
  const [error, setError] = useState<string | undefined>(undefined)
  const [qr, setQr] = useState<string | undefined>(undefined)
  const joinUrl = typeof window === 'undefined' ? `/join/${client.code}` : `${window.location.origin}/join/${client.code}`

  useEffect(() => {
    let cancelled = false
    void import('qrcode').then(({ toString }) =>
      toString(joinUrl, { type: 'svg', margin: 1, width: 132 }).then((svg) => !cancelled && setQr(svg)),
    )
    return () => {
      cancelled = true
    }
  }, [joinUrl])

  const act = async (fn: () => Promise<unknown>) => {
    setError(undefined)
    try {
      await fn()
    } catch (err) {
      setError((err as Error).message)
    }
  }
  if (!state) return null
  const templates: PollTemplate[] = [...(POLL_TEMPLATES[state.lab] ?? []), ...GENERIC_POLLS]

  return (
    <Panel title="Classroom (host)" region="classroom" bodyClassName="flex flex-col gap-3 p-3" actions={<span className="text-xs text-zinc-500" data-testid="presence-count">{presence.count} joined</span>}>
      {state.endedAt ? <p className="rounded bg-zinc-100 px-2 py-1 text-sm dark:bg-zinc-800">This session has ended.</p> : null}
      <div className="flex items-start gap-3">
        <div className="min-w-0 flex-1">
          <p className="text-xs text-zinc-500">Join code</p>
          <p className="font-mono text-2xl font-bold tracking-widest" data-testid="join-code">
            {formatCode(state.code)}
          </p>
          <p className="mt-2 text-xs text-zinc-600 dark:text-zinc-400">Students open the link or scan the code, or type the code at /join.</p>
        </div>
        {qr && <div className="h-[112px] w-[112px] shrink-0 rounded bg-white p-1 [&_svg]:h-full [&_svg]:w-full" aria-label={`QR code for ${joinUrl}`} dangerouslySetInnerHTML={{ __html: qr }} />}
      </div>
      <div className="flex items-center gap-1">
        <code className="min-w-0 flex-1 truncate rounded bg-zinc-100 px-1.5 py-1 font-mono text-[11px] dark:bg-zinc-800" data-testid="join-url">
          {joinUrl}
        </code>
        <CopyButton text={joinUrl} label="Copy link" />
      </div>
      {presence.names.length > 0 && (
        <ul className="flex max-h-24 flex-wrap gap-1 overflow-y-auto" aria-label="Participants" data-testid="presence-names">
          {presence.names.map((name, i) => (
            <li key={`${name}-${i}`} className="rounded-full bg-zinc-100 px-2 py-0.5 text-xs dark:bg-zinc-800">
              {name}
            </li>
          ))}
        </ul>
      )}
      <label className="flex items-center gap-2 text-sm">
        <span className="text-xs text-zinc-600 dark:text-zinc-400">Lab</span>
        <select
          value={state.lab}
          onChange={(e) => void act(() => client.view(e.target.value, 0))}
          className="h-8 min-w-0 flex-1 rounded-md border border-zinc-300 bg-white px-2 text-sm dark:border-zinc-700 dark:bg-zinc-950"
          aria-label="Lab everyone sees"
        >
          {LABS.map((l) => (
            <option key={l.id} value={l.id}>
              {l.title}
            </option>
          ))}
        </select>
      </label>
      <div className="flex flex-wrap gap-2">
        <Button
          size="sm"
          variant={state.participation === 'fire' ? 'danger' : 'primary'}
          onClick={() => void act(() => client.participation(state.participation === 'fire' ? 'watch' : 'fire'))}
        >
          {state.participation === 'fire' ? 'Lock the class out' : 'Let everyone fire'}
        </Button>
        <a
          href={`/session/${state.code}/present`}
          target="_blank"
          rel="noreferrer"
          className="inline-flex h-7 items-center rounded-md border border-zinc-300 px-2.5 text-xs font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
        >
          Presenter mode ↗
        </a>
      </div>

      <div className="border-t border-zinc-200 pt-3 dark:border-zinc-800">
        <p className="mb-2 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Prediction poll</p>
        {state.poll ? (
          <div className="flex flex-col gap-2">
            <PollCard poll={state.poll} />
            <div className="flex flex-wrap gap-2">
              {state.poll.open && (
                <Button size="sm" variant="primary" onClick={() => void act(() => client.closePoll())}>
                  Close predictions
                </Button>
              )}
              {!state.poll.open && !state.poll.outcome && (
                <Button size="sm" variant="primary" onClick={() => void act(() => client.revealPoll())}>
                  Show the measured result
                </Button>
              )}
              <Button size="sm" variant="ghost" onClick={() => void act(() => client.clearPoll())}>
                Clear
              </Button>
            </div>
            {!state.poll.open && !state.poll.outcome && state.poll.metric && (
              <p className="text-xs text-zinc-600 dark:text-zinc-400">Now run the demo; the result measures what happens from the moment predictions closed.</p>
            )}
          </div>
        ) : (
          <ul className="flex flex-col gap-1">
            {templates.map((t) => (
              <li key={t.question}>
                <button
                  type="button"
                  className={cn('w-full rounded-md border border-zinc-200 px-2 py-1.5 text-left text-xs hover:bg-zinc-50 dark:border-zinc-800 dark:hover:bg-zinc-800')}
                  onClick={() => void act(() => client.openPoll(t.question, t.options, t.metric))}
                >
                  {t.question}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="flex items-center gap-2 border-t border-zinc-200 pt-3 dark:border-zinc-800">
        <Button size="sm" variant="ghost" onClick={() => void act(() => client.end())} disabled={!!state.endedAt}>
          End the session
        </Button>
      </div>
      {error && (
        <p role="alert" className="text-xs text-rose-600">
          {error}
        </p>
      )}
    </Panel>
  )
}
