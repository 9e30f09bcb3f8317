'use client'

import { memo, useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react'
import type { LabEvent, Lane } from '@/lib/events'
import { clock, detail, label, sourceLabel } from '@/lib/describe'
import { cn } from '@/lib/cn'
import { KIND_STYLE, LANE_COLOR, LANE_LABEL } from './lanes'
import { useRoom, useRoomClient } from './room-provider'
import { Panel } from './ui/panel'

const ROW = 28
const OVERSCAN = 12
/** Below this width the lanes collapse into one column with a lane tag on each row. */
const COMPACT_BELOW = 640

/**
 * A timeline column: a lane, or one app server (or actor) of the app lane when events name their node, so
 * a lab with several app servers shows one column per server.
 */
interface Column {
  id: string
  lane: Lane
  label: string
}

function columnOf(e: LabEvent): string {
  return e.lane === 'app' && e.node ? `app:${e.node}` : e.lane
}

/** The columns the events need: client, the app (or each app server), cache, database, and the bus if used. */
export function columnsFor(events: readonly LabEvent[]): Column[] {
  const nodes = new Set<string>()
  let plainApp = false
  let bus = false
  for (const e of events) {
    if (e.lane === 'app') {
      if (e.node) nodes.add(e.node)
      else plainApp = true
    } else if (e.lane === 'bus') bus = true
  }
  const app: Column[] = [...nodes]
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((node) => ({ id: `app:${node}`, lane: 'app', label: node }))
  if (plainApp || app.length === 0) app.unshift({ id: 'app', lane: 'app', label: LANE_LABEL.app })
  const cols: Column[] = [{ id: 'client', lane: 'client', label: LANE_LABEL.client }, ...app]
  cols.push({ id: 'cache', lane: 'cache', label: LANE_LABEL.cache }, { id: 'db', lane: 'db', label: LANE_LABEL.db })
  if (bus) cols.push({ id: 'bus', lane: 'bus', label: LANE_LABEL.bus })
  return cols
}

/**
 * The live timeline: one row per event, oldest at the top, in swimlanes (client, app, cache, database).
 * Rows of one request share a colour bar; hovering one lights up the others. Only the rows in view are
 * rendered, so 10,000 events scroll as smoothly as ten.
 */
export function Timeline() {
  const client = useRoomClient()
  const { eventsVersion } = useRoom()
  const scroller = useRef<HTMLDivElement>(null)
  const [size, setSize] = useState({ width: 800, height: 420 })
  const [scrollTop, setScrollTop] = useState(0)
  const [follow, setFollow] = useState(true)
  const [filter, setFilter] = useState('')
  const [hoverReq, setHoverReq] = useState<string | undefined>(undefined)

  const all = client.log.events
  const events = useMemo(() => {
    const q = filter.trim().toLowerCase()
    if (!q) return all
    return all.filter(
      (e) => e.kind.includes(q) || e.key?.toLowerCase().includes(q) || e.lane.includes(q) || e.req === q || e.node?.toLowerCase() === q,
    )
    // eventsVersion changes whenever the log does; the log array itself is mutated in place.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [all, filter, eventsVersion])

  const lanes = useMemo(
    () => columnsFor(events),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [events, eventsVersion],
  )

  useLayoutEffect(() => {
    const el = scroller.current
    if (!el) return
    const ro = new ResizeObserver(([entry]) => {
      if (entry) setSize({ width: entry.contentRect.width, height: entry.contentRect.height })
    })
    ro.observe(el)
    return () => ro.disconnect()
  }, [])

  // Keep the newest row in view while following.
  useLayoutEffect(() => {
    const el = scroller.current
    if (el && follow) el.scrollTop = el.scrollHeight
  }, [events.length, eventsVersion, follow])

  const onScroll = useCallback(() => {
    const el = scroller.current
    if (!el) return
    setScrollTop(el.scrollTop)
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW * 2
    setFollow(atBottom)
  }, [])

  const compact = size.width < COMPACT_BELOW
  const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN)
  const last = Math.min(events.length, Math.ceil((scrollTop + size.height) / ROW) + OVERSCAN)
  const visible = events.slice(first, last)

  return (
    <Panel
      title="Timeline"
      region="timeline"
      className="h-[28rem] lg:h-[32rem]"
      bodyClassName="flex flex-col"
      actions={
        <>
          <span className="hidden text-xs text-zinc-500 tabular-nums sm:inline" data-testid="timeline-count" data-count={events.length}>
            {events.length.toLocaleString()} events
          </span>
          <input
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="Filter: key, kind, lane"
            aria-label="Filter the timeline"
            className="h-7 w-36 rounded-md border border-zinc-300 bg-white px-2 text-xs placeholder:text-zinc-400 focus-visible:outline-2 focus-visible:outline-sky-500 sm:w-44 dark:border-zinc-700 dark:bg-zinc-950"
          />
          <button
            type="button"
            onClick={() => setFollow((f) => !f)}
            aria-pressed={follow}
            className={cn(
              'h-7 rounded-md border px-2 text-xs font-medium focus-visible:outline-2 focus-visible:outline-sky-500',
              follow
                ? 'border-sky-600 bg-sky-50 text-sky-800 dark:border-sky-500 dark:bg-sky-950 dark:text-sky-200'
                : 'border-zinc-300 text-zinc-600 dark:border-zinc-700 dark:text-zinc-400',
            )}
          >
            {follow ? 'Following' : 'Follow'}
          </button>
        </>
      }
    >
      {!compact && (
        <div
          className="grid border-b border-zinc-200 bg-zinc-50 text-[11px] font-semibold tracking-wide text-zinc-600 uppercase dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400"
          style={{ gridTemplateColumns: columns(lanes.length) }}
          aria-hidden="true"
        >
          <div className="px-2 py-1">Time</div>
          {lanes.map((col) => (
            <div key={col.id} className="flex items-center gap-1.5 truncate px-2 py-1">
              <span className="h-2 w-2 shrink-0 rounded-full" style={{ background: LANE_COLOR[col.lane] }} />
              {col.label}
            </div>
          ))}
        </div>
      )}
      <div
        ref={scroller}
        onScroll={onScroll}
        tabIndex={0}
        role="log"
        aria-label="Events, oldest first"
        aria-live="off"
        data-testid="timeline-scroller"
        className="relative min-h-0 flex-1 overflow-y-auto focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-sky-500"
      >
        {events.length === 0 ? (
          <p className="p-6 text-center text-sm text-zinc-500">
            Nothing has happened in this room yet. Read a user to see the first events arrive.
          </p>
        ) : (
          <div style={{ height: events.length * ROW, position: 'relative' }}>
            {visible.map((e, i) => (
              <Row
                key={e.seq}
                event={e}
                top={(first + i) * ROW}
                lanes={lanes}
                compact={compact}
                lit={hoverReq !== undefined && e.req === hoverReq}
                onHover={setHoverReq}
              />
            ))}
          </div>
        )}
      </div>
      <Legend />
    </Panel>
  )
}

function columns(n: number): string {
  return `6.5rem repeat(${n}, minmax(0, 1fr))`
}

const Row = memo(function Row({
  event: e,
  top,
  lanes,
  compact,
  lit,
  onHover,
}: {
  event: LabEvent
  top: number
  lanes: Column[]
  compact: boolean
  lit: boolean
  onHover(req: string | undefined): void
}) {
  const style = { top, height: ROW }
  if (e.kind === 'marker' || e.kind === 'demo-result') {
    const ok = e.kind === 'demo-result' ? e.data.passed : undefined
    return (
      <div
        style={style}
        data-kind={e.kind}
        data-seq={e.seq}
        className={cn(
          'absolute inset-x-0 flex items-center gap-2 border-y px-2 text-xs',
          ok === undefined && 'border-amber-200 bg-amber-50 text-amber-950 dark:border-amber-900 dark:bg-amber-950/50 dark:text-amber-100',
          ok === true && 'border-emerald-300 bg-emerald-50 text-emerald-950 dark:border-emerald-800 dark:bg-emerald-950/60 dark:text-emerald-100',
          ok === false && 'border-rose-300 bg-rose-50 text-rose-950 dark:border-rose-800 dark:bg-rose-950/60 dark:text-rose-100',
        )}
      >
        <span className="w-[6rem] shrink-0 font-mono text-[11px] text-zinc-500 tabular-nums">{clock(e.time)}</span>
        <span className="truncate font-medium">
          {e.kind === 'demo-result' ? `Demo ${e.data.passed ? '✓' : '✗'} ` : '▸ '}
          {detail(e)}
        </span>
      </div>
    )
  }
  const chip = <Chip event={e} />
  return (
    <div
      style={{ ...style, gridTemplateColumns: compact ? '6.5rem minmax(0,1fr)' : columns(lanes.length) }}
      data-kind={e.kind}
      data-seq={e.seq}
      data-lane={e.lane}
      data-key={e.key}
      data-src={e.src}
      data-node={e.node}
      onMouseEnter={() => onHover(e.req)}
      onMouseLeave={() => onHover(undefined)}
      className={cn(
        'absolute inset-x-0 grid items-center border-b border-zinc-100 dark:border-zinc-800/60',
        lit && 'bg-sky-50 dark:bg-sky-950/40',
      )}
    >
      <div className="flex h-full items-center gap-1.5 pl-0.5 font-mono text-[11px] text-zinc-500 tabular-nums">
        <span className="h-full w-[3px] shrink-0 rounded-full" style={{ background: e.req ? reqColor(e.req) : 'transparent' }} />
        {clock(e.time)}
      </div>
      {compact ? (
        <div className="flex min-w-0 items-center gap-1.5 px-1">
          <span className="h-2 w-2 shrink-0 rounded-full" style={{ background: LANE_COLOR[e.lane] }} title={e.node ? `${LANE_LABEL[e.lane]} ${e.node}` : LANE_LABEL[e.lane]} />
          {chip}
        </div>
      ) : (
        lanes.map((col) => (
          <div key={col.id} className="min-w-0 px-1">
            {col.id === columnOf(e) ? chip : null}
          </div>
        ))
      )}
    </div>
  )
})

function Chip({ event: e }: { event: LabEvent }) {
  const src = sourceLabel(e)
  const text = detail(e)
  const what = e.kind === 'request' && e.data.label ? e.data.label : label(e)
  const title = [what, e.key, text, src && `by ${src}`, e.node && `on ${e.node}`, e.req && `request ${e.req}`].filter(Boolean).join(' · ')
  return (
    <span
      title={title}
      className={cn(
        'inline-flex max-w-full items-center gap-1 truncate rounded px-1.5 py-0.5 text-xs leading-4',
        KIND_STYLE[e.kind] ?? 'bg-zinc-100 dark:bg-zinc-800',
      )}
    >
      {e.node && (
        <span className="rounded bg-black/10 px-1 font-mono text-[10px] font-bold dark:bg-white/15" data-testid="node-tag">
          {e.node}
        </span>
      )}
      <span className="font-semibold">{label(e)}</span>
      {e.key && <span className="font-mono text-[11px] opacity-80">{e.key}</span>}
      {text && <span className="truncate opacity-80">{text}</span>}
      {src && (
        <span className="rounded bg-black/10 px-1 text-[10px] font-semibold tracking-wide uppercase dark:bg-white/15">
          {src}
        </span>
      )}
    </span>
  )
}

/** A stable colour per request id, so one request's rows match. */
function reqColor(req: string): string {
  // FNV-1a, then the golden angle: consecutive ids (r1, r2 …) land far apart on the colour wheel.
  let h = 0x811c9dc5
  for (let i = 0; i < req.length; i++) h = Math.imul(h ^ req.charCodeAt(i), 0x01000193)
  return `hsl(${Math.round(((h >>> 0) * 137.508) % 360)} 70% 52%)`
}

function Legend() {
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1 border-t border-zinc-200 px-3 py-1.5 text-[11px] text-zinc-500 dark:border-zinc-800">
      <span>Rows of one request share the colour bar on the left; hover a row to light up its request.</span>
      <span className="ml-auto">
        <span className="rounded bg-black/10 px-1 font-semibold uppercase dark:bg-white/15">outside</span> = a client outside the app
        (redis-cli), <span className="rounded bg-black/10 px-1 font-semibold uppercase dark:bg-white/15">Redis</span> = Redis itself
      </span>
    </div>
  )
}
