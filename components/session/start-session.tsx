'use client'

import { useRouter } from 'next/navigation'
import { useState } from 'react'
import { LABS } from '@/lib/labs/catalogue'
import { startSession } from '@/lib/session-client'
import { Button } from '../ui/button'

/** The instructor's start: pick the lab to open with, get a session whose host is this browser. */
export function StartSession() {
  const router = useRouter()
  const [lab, setLab] = useState(LABS[0]!.id)
  const [error, setError] = useState<string | undefined>(undefined)
  const [busy, setBusy] = useState(false)

  const start = async () => {
    setError(undefined)
    setBusy(true)
    try {
      router.push(`/session/${await startSession(lab)}/host`)
    } catch (err) {
      setError((err as Error).message)
      setBusy(false)
    }
  }

  return (
    <div className="flex flex-col gap-4">
      <label className="flex flex-col gap-1">
        <span className="text-sm font-medium">Open with the lab</span>
        <select
          value={lab}
          onChange={(e) => setLab(e.target.value)}
          className="h-11 rounded-md border border-zinc-300 bg-white px-3 text-base dark:border-zinc-700 dark:bg-zinc-950"
        >
          {LABS.map((l) => (
            <option key={l.id} value={l.id}>
              {l.title}
            </option>
          ))}
        </select>
        <span className="text-xs text-zinc-500">You can switch labs during the session; everyone follows.</span>
      </label>
      <Button variant="primary" onClick={() => void start()} disabled={busy} className="h-11 text-base">
        {busy ? 'Starting…' : 'Start a session'}
      </Button>
      <p role="alert" className="min-h-5 text-sm text-rose-600">
        {error}
      </p>
    </div>
  )
}
