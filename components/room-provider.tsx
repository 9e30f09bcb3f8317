'use client'

import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react'
import { INITIAL_SNAPSHOT, RoomClient, type Enter, type RoomSnapshot } from '@/lib/room-client'

const RoomContext = createContext<RoomClient | null>(null)

/**
 * Provides the visitor's room to a lab page: one RoomClient, started on mount, stopped on unmount. `enter`
 * replaces the private room with a classroom's (see lib/session-client.ts).
 */
export function RoomProvider({ children, enter }: { children: React.ReactNode; enter?: Enter }) {
  const [client] = useState(() => new RoomClient(enter))
  useEffect(() => {
    client.start()
    return () => client.stop()
  }, [client])
  return <RoomContext.Provider value={client}>{children}</RoomContext.Provider>
}

export function useRoomClient(): RoomClient {
  const client = useContext(RoomContext)
  if (!client) throw new Error('useRoomClient must be used inside <RoomProvider>')
  return client
}


/** The room's current state; re-renders at most once per animation frame. */
export function useRoom(): RoomSnapshot {
  const client = useRoomClient()
  return useSyncExternalStore(client.subscribe, client.getSnapshot, () => INITIAL_SNAPSHOT)
}
