'use client'

import { useRoom, useRoomClient } from './room-provider'
import { CopyButton } from './copy-button'
import { Button } from './ui/button'
import { cn } from '@/lib/cn'

/**
 * The room: its Redis prefix, the connection, and redis-cli commands a learner can paste into a terminal to
 * watch or change the room's keys from outside the app. In a classroom (`shared`) the room is the class's:
 * it cannot be swapped for a new one.
 */
export function RoomPanel({ shared = false }: { shared?: boolean }) {
  const client = useRoomClient()
  const { room, connection } = useRoom()
  const prefix = room?.prefix ?? '…'
  const commands = [
    { what: 'List this room’s keys', cmd: `redis-cli --scan --pattern '${prefix}*'` },
    { what: 'Set a key from outside (5 s TTL)', cmd: `redis-cli SET ${prefix}user:1 hello EX 5` },
    { what: 'Watch its TTL', cmd: `redis-cli PTTL ${prefix}user:1` },
  ]
  return (
    <section
      data-region="room"
      aria-label={shared ? 'The class’s room' : 'Your room'}
      className="rounded-lg border border-zinc-200 bg-white p-3 text-sm dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-xs font-medium tracking-wide text-zinc-500 uppercase">{shared ? 'Class room' : 'Your room'}</span>
        <code className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs dark:bg-zinc-800" data-testid="room-prefix">
          {prefix}
        </code>
        <ConnectionDot connection={connection} />
        {!shared && (
          <Button size="sm" variant="ghost" className="ml-auto" onClick={() => void client.newRoom()} disabled={connection !== 'live'}>
            New room
          </Button>
        )}
      </div>
      <details className="mt-2 group">
        <summary className="cursor-pointer text-xs text-sky-700 select-none hover:underline dark:text-sky-400">
          Use redis-cli against this room
        </summary>
        <ul className="mt-2 space-y-1.5">
          {commands.map((c) => (
            <li key={c.cmd}>
              <div className="text-[11px] text-zinc-500">{c.what}</div>
              <div className="flex items-center gap-1">
                <code className="min-w-0 flex-1 truncate rounded bg-zinc-100 px-1.5 py-1 font-mono text-[11px] select-all dark:bg-zinc-800">
                  {c.cmd}
                </code>
                <CopyButton text={c.cmd} />
              </div>
            </li>
          ))}
        </ul>
        <p className="mt-2 text-[11px] text-zinc-500">
          Whatever you do to these keys shows up on the timeline, marked “outside”.
        </p>
      </details>
    </section>
  )
}

function ConnectionDot({ connection }: { connection: string }) {
  return (
    <span className="inline-flex items-center gap-1 text-xs text-zinc-500" data-testid="connection" data-state={connection}>
      <span
        className={cn(
          'h-2 w-2 rounded-full',
          connection === 'live' && 'bg-emerald-500',
          connection === 'connecting' && 'animate-pulse bg-amber-400',
          connection === 'offline' && 'bg-rose-500',
        )}
      />
      {connection}
    </span>
  )
}
