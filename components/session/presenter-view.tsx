'use client'

import { useEffect, useState, useSyncExternalStore } from 'react'
import { findLab } from '@/lib/labs/catalogue'
import { formatCode } from '@/lib/session'
import { SessionClient, hostSecret } from '@/lib/session-client'
import { RichText } from '../rich-text'
import { RoomProvider } from '../room-provider'
import { StatTiles } from '../stat-tiles'
import { StatusBanner } from '../status-banner'
import { Timeline } from '../timeline'
import { PollCard } from './poll-card'
import { useSession } from './use-session'

/**
 * Presenter mode, for the projector: white on black, large type, and only what the room needs to read from
 * the back: the lab and the step the host is on, the join code, the key figures, the poll, and the live
 * timeline filling the rest of the screen. It enters as the host (the same browser holds the secret) and
 * follows everything the host does in their other tab.
 */
export function PresenterView({ code }: { code: string }) {
  const [client] = useState(() => new SessionClient(code, 'host'))
  const { state, presence } = useSession(client)
  const [qr, setQr] = useState<string | undefined>(undefined)
  // Read from this browser's storage once mounted (the server cannot know).
  const allowed = useSyncExternalStore(noSubscribe, () => !!hostSecret(code), () => undefined)

  useEffect(() => {
    const url = `${window.location.origin}/join/${code}`
    let cancelled = false
    void import('qrcode').then(({ toString }) =>
      toString(url, { type: 'svg', margin: 1, width: 160, color: { dark: '#000000', light: '#ffffff' } }).then((svg) => !cancelled && setQr(svg)),
    )
    return () => {
      cancelled = true
      client.stop()
    }
  }, [code, client])

  if (allowed === false)
    return <p className="p-10 text-lg">Presenter mode opens from the host’s browser (it needs the session’s host secret).</p>
  if (allowed === undefined) return null

  const lab = state ? findLab(state.lab) : undefined
  const step = lab && state ? lab.walkthrough[Math.min(state.step, lab.walkthrough.length - 1)] : undefined
  return (
    <div className="dark fixed inset-0 z-40 flex flex-col gap-4 overflow-hidden bg-black p-6 text-white" data-testid="presenter">
      <RoomProvider enter={client.enter}>
        <header className="flex items-start gap-6">
          <div className="min-w-0 flex-1">
            <p className="text-xl font-semibold tracking-wide text-sky-300 uppercase">{lab?.title ?? 'Connecting…'}</p>
            {step && lab && (
              <>
                <h1 className="mt-1 text-5xl leading-tight font-bold" data-testid="presenter-step">
                  {Math.min((state?.step ?? 0) + 1, lab.walkthrough.length)}. {step.title}
                </h1>
                <div className="mt-3 max-w-5xl text-2xl leading-snug text-zinc-200">
                  <RichText text={step.body} />
                </div>
              </>
            )}
          </div>
          <div className="flex shrink-0 items-center gap-4 rounded-xl border border-zinc-700 p-3">
            <div className="text-right">
              <p className="text-lg text-zinc-300">Join at /join with</p>
              <p className="font-mono text-6xl font-bold tracking-widest" data-testid="presenter-code">
                {formatCode(code)}
              </p>
              <p className="mt-1 text-lg text-zinc-300">{presence.count} joined</p>
            </div>
            {qr && <div className="h-[160px] w-[160px] rounded bg-white [&_svg]:h-full [&_svg]:w-full" aria-label="QR code to join" dangerouslySetInnerHTML={{ __html: qr }} />}
          </div>
        </header>
        <StatusBanner />
        <div className="[zoom:1.5]">
          <StatTiles />
        </div>
        <div className="flex min-h-0 flex-1 gap-4">
          <div className="min-h-0 min-w-0 flex-1 [zoom:1.25]">
            <Timeline />
          </div>
          {state?.poll && (
            <div className="w-[38rem] shrink-0 overflow-y-auto text-zinc-900 dark:text-zinc-100">
              <PollCard poll={state.poll} large />
            </div>
          )}
        </div>
      </RoomProvider>
    </div>
  )
}

const noSubscribe = () => () => {}
