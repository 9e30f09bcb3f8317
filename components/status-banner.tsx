'use client'

import { useRoom } from './room-provider'

/** Says plainly when something the lab needs is down, and what still works. */
export function StatusBanner() {
  const { status, connection, error } = useRoom()
  const problems: string[] = []
  // Offline with a reason (the server is full, a limit was reached) says the reason, not a generic line.
  if (connection === 'offline') problems.push(error ?? 'Lost the connection to the lab server; reconnecting…')
  if (status && !status.redis.ok) problems.push(`Redis is unreachable${status.redis.detail ? ` (${status.redis.detail})` : ''}: reads fall back to the database and nothing is cached until it is back.`)
  if (status && !status.db.ok) problems.push(`The database is unreachable${status.db.detail ? ` (${status.db.detail})` : ''}: reads that miss the cache fail.`)
  if (status && !status.notifications) problems.push('Redis refused to switch on keyspace notifications: the timeline shows the app’s own cache events only.')
  if (error && connection !== 'offline') problems.push(error)
  if (problems.length === 0) return null
  return (
    <div role="alert" className="rounded-lg border border-rose-300 bg-rose-50 px-3 py-2 text-sm text-rose-900 dark:border-rose-800 dark:bg-rose-950/60 dark:text-rose-100" data-testid="status-banner">
      {problems.map((p) => (
        <p key={p}>{p}</p>
      ))}
    </div>
  )
}
