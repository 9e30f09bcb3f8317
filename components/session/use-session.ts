'use client'

import { useSyncExternalStore } from 'react'
import type { SessionClient, SessionSnapshot } from '@/lib/session-client'

const EMPTY: SessionSnapshot = { state: undefined, presence: { count: 0, names: [] }, me: undefined }

export function useSession(client: SessionClient): SessionSnapshot {
  return useSyncExternalStore(client.subscribe, client.getSnapshot, () => EMPTY)
}
