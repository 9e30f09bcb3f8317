/** How lanes and event kinds look, shared by the timeline, its legend and the charts. */
import type { Kind, Lane } from '@/lib/events'

export const LANE_LABEL: Record<Lane, string> = {
  client: 'Client',
  app: 'App',
  cache: 'Cache (Redis)',
  db: 'Database',
  bus: 'Bus',
}

export const LANE_COLOR: Record<Lane, string> = {
  client: 'var(--color-lane-client)',
  app: 'var(--color-lane-app)',
  cache: 'var(--color-lane-cache)',
  db: 'var(--color-lane-db)',
  bus: 'var(--color-lane-bus)',
}

/** Tailwind classes for an event chip, by kind: good news green, bad news red or amber, changes blue. */
export const KIND_STYLE: Partial<Record<Kind, string>> = {
  hit: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200',
  miss: 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200',
  set: 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200',
  del: 'bg-zinc-200 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-200',
  expire: 'bg-orange-100 text-orange-900 dark:bg-orange-950 dark:text-orange-200',
  expired: 'bg-orange-200 text-orange-950 dark:bg-orange-900 dark:text-orange-100',
  evicted: 'bg-orange-200 text-orange-950 dark:bg-orange-900 dark:text-orange-100',
  persist: 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200',
  'cache-op': 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200',
  'cache-error': 'bg-rose-600 text-white',
  query: 'bg-teal-100 text-teal-900 dark:bg-teal-950 dark:text-teal-200',
  update: 'bg-violet-100 text-violet-900 dark:bg-violet-950 dark:text-violet-200',
  'db-error': 'bg-rose-600 text-white',
  'stale-read': 'bg-rose-100 text-rose-900 ring-1 ring-rose-400 dark:bg-rose-950 dark:text-rose-200',
  'dirty-read': 'bg-fuchsia-100 text-fuchsia-900 ring-1 ring-fuchsia-500 dark:bg-fuchsia-950 dark:text-fuchsia-200',
  request: 'bg-zinc-100 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200',
  response: 'bg-zinc-100 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200',
  setting: 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300',
  fault: 'bg-rose-100 text-rose-900 dark:bg-rose-950 dark:text-rose-200',
  command: 'bg-sky-50 text-sky-900 dark:bg-sky-950/60 dark:text-sky-200',
  scan: 'bg-indigo-100 text-indigo-900 dark:bg-indigo-950 dark:text-indigo-200',
  probe: 'bg-zinc-100 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200',
  gauge: 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300',
  lease: 'bg-fuchsia-100 text-fuchsia-900 dark:bg-fuchsia-950 dark:text-fuchsia-200',
  lock: 'bg-purple-100 text-purple-900 dark:bg-purple-950 dark:text-purple-200',
  burst: 'bg-zinc-200 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100',
  'l1-hit': 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200',
  'l1-miss': 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200',
  'l1-set': 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200',
  'l1-drop': 'bg-orange-100 text-orange-900 dark:bg-orange-950 dark:text-orange-200',
  publish: 'bg-yellow-100 text-yellow-900 dark:bg-yellow-950 dark:text-yellow-200',
  deliver: 'bg-yellow-50 text-yellow-900 dark:bg-yellow-950/60 dark:text-yellow-100',
  ack: 'bg-lime-100 text-lime-900 dark:bg-lime-950 dark:text-lime-200',
  refused: 'bg-emerald-100 text-emerald-900 ring-1 ring-emerald-400 dark:bg-emerald-950 dark:text-emerald-200',
}
