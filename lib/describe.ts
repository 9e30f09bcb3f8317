/** Short human text for an event: the words on its timeline chip, and its longer detail. */
import type { LabEvent } from './events'

export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`
  if (ms < 10) return `${ms.toFixed(1)} ms`
  if (ms < 1000) return `${Math.round(ms)} ms`
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
}

export function formatTtl(ttlMs: number | null): string {
  if (ttlMs === null) return 'no TTL'
  return ttlMs < 1000 ? `${ttlMs} ms` : `${Number((ttlMs / 1000).toFixed(1))} s`
}

/** The chip's label: what happened, in a word or two. */
export function label(e: LabEvent): string {
  switch (e.kind) {
    case 'request':
      return e.data.action
    case 'response':
      return e.data.ok ? 'ok' : 'failed'
    case 'stale-read':
      return 'STALE'
    case 'dirty-read':
      return 'UNCOMMITTED'
    case 'cache-op':
      return e.data.op
    case 'setting':
      return e.data.name
    case 'command':
      return e.data.cmd
    case 'scan':
      return 'SCAN'
    case 'lease':
      return `lease ${e.data.op}`
    case 'lock':
      return `lock ${e.data.op}`
    case 'burst':
      return `burst ${e.data.phase}`
    case 'l1-hit':
      return 'L1 hit'
    case 'l1-miss':
      return 'L1 miss'
    case 'l1-set':
      return 'L1 set'
    case 'l1-drop':
      return 'L1 drop'
    default:
      return e.kind
  }
}

/** The chip's detail: the figures that matter for this kind. */
export function detail(e: LabEvent): string {
  switch (e.kind) {
    case 'request':
      return e.data.label ? `by ${e.data.label}` : e.data.by === 'you' ? '' : `by ${e.data.by}`
    case 'response': {
      const from = e.data.from && e.data.from !== 'none' ? ` from ${e.data.from}` : ''
      const v = e.data.version !== undefined ? ` v${e.data.version}` : ''
      return e.data.ok ? `${formatMs(e.data.ms)}${from}${v}` : `${formatMs(e.data.ms)} ${e.data.error ?? ''}`
    }
    case 'hit':
      return `${e.data.version !== undefined ? `v${e.data.version} ` : ''}${formatMs(e.data.ms)}`
    case 'miss':
      return e.data.reason === 'unreadable' ? 'value not JSON' : formatMs(e.data.ms)
    case 'set': {
      const v = e.data.version !== undefined ? `v${e.data.version} ` : ''
      const value = e.data.value !== undefined && e.data.version === undefined ? `"${e.data.value}" ` : ''
      return `${v}${value}${formatTtl(e.data.ttlMs)}`
    }
    case 'expire':
      return `TTL ${formatTtl(e.data.ttlMs)}`
    case 'expired':
      return e.data.lateMs !== undefined ? `${formatMs(e.data.lateMs)} after deadline` : ''
    case 'del':
      return e.data.existed === false ? 'no such key' : ''
    case 'query':
      return `${formatMs(e.data.ms)}${e.data.version !== undefined ? ` v${e.data.version}` : ''} · ${e.data.rows} row${e.data.rows === 1 ? '' : 's'}`
    case 'update':
      return `${formatMs(e.data.ms)}${e.data.version !== undefined ? ` → v${e.data.version}` : ''}`
    case 'db-error':
      return `${formatMs(e.data.ms)} ${e.data.message}`
    case 'cache-error':
      return `${e.data.op}: ${e.data.message}`
    case 'stale-read':
      return `v${e.data.cached}, DB has v${e.data.truth} · ${formatMs(e.data.staleForMs)}`
    case 'dirty-read':
      return `v${e.data.cached} never committed, DB has v${e.data.truth}`
    case 'setting':
      return String(e.data.value)
    case 'marker':
      return e.data.text
    case 'demo-result':
      return `${e.data.passed ? 'proved' : 'not proved'}: ${e.data.checks.filter((c) => c.passed).length}/${e.data.checks.length} checks`
    case 'fault':
      return `${e.data.name} ${e.data.on ? 'on' : 'off'}${e.data.detail ? ` · ${e.data.detail}` : ''}`
    case 'command':
      return `${formatMs(e.data.ms)}${e.data.detail ? ` · ${e.data.detail}` : ''}`
    case 'scan':
      return `cursor ${e.data.cursor} → ${e.data.next} · looked at ${e.data.examined}, matched ${e.data.returned}${e.data.duplicates ? ` (${e.data.duplicates} seen before)` : ''} · ${formatMs(e.data.ms)}`
    case 'probe':
      return `${formatMs(e.data.ms)} during ${e.data.during}`
    case 'gauge':
      return `${e.data.name} ${e.data.value.toLocaleString()} ${e.data.unit}`
    case 'lease':
      return e.data.token ? `token ${e.data.token}` : ''
    case 'l1-hit':
      return e.data.version !== undefined ? `v${e.data.version}` : ''
    case 'l1-set':
      return `${e.data.version !== undefined ? `v${e.data.version} ` : ''}${formatTtl(e.data.ttlMs)}`
    case 'l1-drop':
      return `${e.data.reason}${e.data.via ? ` via ${e.data.via}` : ''}${e.data.latencyMs !== undefined ? ` · ${formatMs(e.data.latencyMs)} after the write` : ''}`
    case 'publish': {
      const who = e.data.receivers !== undefined ? ` → ${e.data.receivers}${e.data.expected !== undefined ? `/${e.data.expected}` : ''} subscribers` : ''
      return `${e.data.via} ${e.data.channel}${e.data.id ? ` #${e.data.id}` : ''}${who}`
    }
    case 'deliver':
      return `${e.data.via}${e.data.id ? ` #${e.data.id}` : ''}${e.data.redelivered ? ' (redelivered)' : ''}${e.data.duplicate ? ' (duplicate)' : ''}${e.data.latencyMs !== undefined ? ` · ${formatMs(e.data.latencyMs)}` : ''}`
    case 'ack':
      return `#${e.data.id} group ${e.data.group}`
    case 'lock':
      return `${e.data.token ? `token ${e.data.token}` : ''}${e.data.ttlMs !== undefined ? ` · PX ${e.data.ttlMs}` : ''}`
    case 'burst': {
      const d = e.data
      const figures = `${d.strategy} · ${d.done}/${d.total} done · ${d.dbQueries} DB quer${d.dbQueries === 1 ? 'y' : 'ies'}`
      if (d.phase === 'start') return `${d.strategy} · ${d.total} requests${d.detail ? ` · ${d.detail}` : ''}`
      if (d.phase === 'progress') return `${figures} · ${d.inFlight} in flight`
      return `${figures} · p99 ${formatMs(d.p99 ?? 0)} · ${d.stale} stale · ${d.errors} errors · ${formatMs(d.ms)}`
    }
    case 'refused':
      return `${e.data.version !== undefined ? `v${e.data.version} ` : ''}${e.data.reason}`
    default:
      return ''
  }
}

/** Who caused it, when it was not this app: a learner's redis-cli, or Redis itself. */
export function sourceLabel(e: LabEvent): string | undefined {
  if (e.src === 'outside') return 'outside'
  if (e.src === 'redis') return 'Redis'
  return undefined
}

/** Wall-clock time with milliseconds, as the timeline shows it. */
export function clock(time: number): string {
  const d = new Date(time)
  const pad = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
}
