'use client'

import { cn } from '@/lib/cn'
import { formatMs } from '@/lib/describe'
import { PATTERN_LIMITS, type MethodResult, type PatternLabState } from '@/lib/labs/pattern-invalidation'
import { useRoom } from '../room-provider'
import { Panel } from '../ui/panel'

const METHODS: { id: keyof PatternLabState['results']; name: string; how: string }[] = [
  { id: 'scan', name: 'SCAN loop', how: 'SCAN … MATCH user:<id>:* COUNT n until the cursor is 0, UNLINK each batch' },
  { id: 'keys', name: 'KEYS', how: 'KEYS user:<id>:* in one call, then UNLINK' },
  { id: 'tag', name: 'Tag set', how: 'SMEMBERS user:<id>:keys, then one Lua script: UNLINK and SREM' },
]

/** The three ways of invalidating a user's keys, side by side: the last run of each, as measured. */
export function MethodsPanel() {
  const { labs } = useRoom()
  const state = labs['pattern-invalidation'] as PatternLabState | undefined
  const results = state?.results ?? {}
  return (
    <Panel
      title="Three ways to delete a user's keys"
      actions={<span className="text-xs text-zinc-500">last run of each</span>}
    >
      <div className="overflow-x-auto">
        <table className="w-full text-left text-xs" data-testid="methods-table">
          <thead className="text-[11px] tracking-wide text-zinc-500 uppercase">
            <tr className="border-b border-zinc-200 dark:border-zinc-800">
              <th className="px-3 py-1.5 font-semibold">Way</th>
              <th className="px-3 py-1.5 text-right font-semibold">Deleted</th>
              <th className="px-3 py-1.5 text-right font-semibold">Round trips</th>
              <th className="hidden px-3 py-1.5 text-right font-semibold sm:table-cell">Time</th>
              <th
                className="px-3 py-1.5 text-right font-semibold"
                title="How long a PING from another client typically waited while it ran (the median), and at worst"
              >
                Other client waited
              </th>
              <th className="hidden px-3 py-1.5 font-semibold md:table-cell">Note</th>
            </tr>
          </thead>
          <tbody>
            {METHODS.map((m) => (
              <MethodRow key={m.id} id={m.id} name={m.name} how={m.how} r={results[m.id]} />
            ))}
          </tbody>
        </table>
      </div>
      <p className="border-t border-zinc-200 px-3 py-2 text-xs text-zinc-500 dark:border-zinc-800">
        KEYS is refused here when Redis holds more than {PATTERN_LIMITS.keysMaxDbsize.toLocaleString('en')} keys, and
        runs at most once every {PATTERN_LIMITS.keysCooldownMs / 1000} s per room: it walks every key of the server
        while every other client waits.
        {state?.dbsize !== null &&
          state?.dbsize !== undefined &&
          ` Redis holds ${state.dbsize.toLocaleString('en')} keys now.`}
      </p>
    </Panel>
  )
}

function MethodRow({ id, name, how, r }: { id: string; name: string; how: string; r: MethodResult | undefined }) {
  const refused = r && r.deleted === 0 && r.note?.startsWith('KEYS refused')
  return (
    <tr className="border-b border-zinc-100 dark:border-zinc-800/60" data-method={id}>
      <td className="px-3 py-1.5">
        <span className="font-medium">{name}</span>
        <span className="hidden text-[11px] text-zinc-500 sm:block">{how}</span>
      </td>
      <td className="px-3 py-1.5 text-right font-mono tabular-nums" data-figure="deleted">
        {r ? r.deleted : '—'}
      </td>
      <td className="px-3 py-1.5 text-right font-mono tabular-nums" data-figure="round-trips">
        {r ? r.roundTrips : '—'}
      </td>
      <td className="hidden px-3 py-1.5 text-right font-mono tabular-nums sm:table-cell">{r ? formatMs(r.ms) : '—'}</td>
      <td className="px-3 py-1.5 text-right font-mono tabular-nums" data-figure="probe">
        {r?.probeMedianMs !== null && r?.probeMedianMs !== undefined ? (
          <span
            className={cn(id === 'keys' && r.probeMedianMs > 5 && 'font-semibold text-rose-600 dark:text-rose-400')}
          >
            {formatMs(r.probeMedianMs)}
          </span>
        ) : (
          '—'
        )}
        {r?.probeMaxMs !== null && r?.probeMaxMs !== undefined && r.probeMedianMs !== r.probeMaxMs && (
          <span className="block text-[11px] font-normal text-zinc-500">worst {formatMs(r.probeMaxMs)}</span>
        )}
      </td>
      <td
        className={cn(
          'hidden max-w-[18rem] px-3 py-1.5 text-zinc-500 md:table-cell',
          refused && 'text-rose-700 dark:text-rose-300',
        )}
      >
        {r ? (r.userId ? `user ${r.userId}: ` : '') + (r.note ?? '') : 'not run yet'}
      </td>
    </tr>
  )
}
