'use client'

import { useCallback, useState } from 'react'
import { ApiFailure } from '@/lib/socket'
import { useRoomClient } from './room-provider'

/** Runs a lab's actions from the UI and keeps the last error to show beside the controls. */
export function useLabAction(lab: string) {
  const client = useRoomClient()
  const [error, setError] = useState<string | undefined>(undefined)
  const [busy, setBusy] = useState(0)
  const run = useCallback(
    async (action: string, params: Record<string, unknown> = {}, timeoutMs?: number) => {
      setBusy((b) => b + 1)
      setError(undefined)
      try {
        return await client.act(lab, action, params, timeoutMs)
      } catch (err) {
        const issues = err instanceof ApiFailure ? err.error.issues?.map((i) => `${i.path}: ${i.message}`).join('; ') : undefined
        setError(issues ? `${(err as Error).message} (${issues})` : (err as Error).message)
        return undefined
      } finally {
        setBusy((b) => b - 1)
      }
    },
    [client, lab],
  )
  return { run, error, busy: busy > 0, clearError: () => setError(undefined) }
}
