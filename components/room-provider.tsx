'use client'

import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react'
import { INITIAL_SNAPSHOT, RoomClient, type RoomSnapshot } from '@/lib/room-client'

const RoomContext = createContext<RoomClient | null>(null)

/** Provides the visitor's room to a lab page: one RoomClient, started on mount, stopped on unmount. */
export function RoomProvider({ children }: { children: React.ReactNode }) {
  const [client] = useState(() => new RoomClient())
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
