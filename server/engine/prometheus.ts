/**
 * Rooms' metrics in the Prometheus text exposition format, served at GET /metrics: per room (a `room` label,
 * for an operator who presents METRICS_TOKEN, and for the best-practices lab's own room), or summed over the
 * process's rooms with no label at all, for everyone else: a room id is the capability to use the room, so a
 * public page must never list them.
 */
import type { RoomMetrics } from './metrics'

interface Family {
  name: string
  help: string
  type: 'counter' | 'gauge'
  value(m: RoomMetrics): number
}

const FAMILIES: Family[] = [
  { name: 'cachelab_requests_total', help: 'Requests handled by the lab engine.', type: 'counter', value: (m) => m.requests },
  { name: 'cachelab_cache_hits_total', help: 'Cache reads that found a usable value.', type: 'counter', value: (m) => m.hits },
  { name: 'cachelab_cache_misses_total', help: 'Cache reads that found nothing usable.', type: 'counter', value: (m) => m.misses },
  { name: 'cachelab_db_queries_total', help: 'Database reads.', type: 'counter', value: (m) => m.dbQueries },
  { name: 'cachelab_db_writes_total', help: 'Database writes.', type: 'counter', value: (m) => m.dbWrites },
  { name: 'cachelab_db_errors_total', help: 'Database statements that failed.', type: 'counter', value: (m) => m.dbErrors },
  { name: 'cachelab_db_in_flight', help: 'Database statements running now.', type: 'gauge', value: (m) => m.dbInFlight },
  { name: 'cachelab_stale_reads_total', help: 'Reads that served an older version than the database held.', type: 'counter', value: (m) => m.staleReads },
  { name: 'cachelab_invalidations_total', help: 'Keys the app deleted or expired on purpose.', type: 'counter', value: (m) => m.invalidations },
  { name: 'cachelab_expirations_total', help: 'Expirations Redis reported.', type: 'counter', value: (m) => m.expirations },
  { name: 'cachelab_evictions_total', help: 'Evictions Redis reported.', type: 'counter', value: (m) => m.evictions },
  { name: 'cachelab_cache_errors_total', help: 'Cache operations that failed.', type: 'counter', value: (m) => m.cacheErrors },
]

export function renderPrometheus(rooms: Iterable<{ id: string; metrics: RoomMetrics }>): string {
  const list = [...rooms]
  const lines: string[] = []
  lines.push('# HELP cachelab_rooms Rooms open in this process.', '# TYPE cachelab_rooms gauge', `cachelab_rooms ${list.length}`)
  for (const f of FAMILIES) {
    lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`)
    for (const r of list) lines.push(`${f.name}{room="${r.id}"} ${f.value(r.metrics)}`)
  }
  const s = 'cachelab_request_duration_ms'
  lines.push(`# HELP ${s} End-to-end request latency in milliseconds (recent requests).`, `# TYPE ${s} summary`)
  for (const r of list) {
    for (const q of [0.5, 0.95, 0.99]) {
      const v = r.metrics.percentile(q * 100)
      if (v !== null) lines.push(`${s}{room="${r.id}",quantile="${q}"} ${v.toFixed(3)}`)
    }
    lines.push(`${s}_sum{room="${r.id}"} ${r.metrics.latencySum.toFixed(3)}`, `${s}_count{room="${r.id}"} ${r.metrics.latencyCount}`)
  }
  return `${lines.join('\n')}\n`
}

/** The same families summed over all rooms, without labels: nothing in it names a room. */
export function renderAggregate(rooms: Iterable<{ metrics: RoomMetrics }>): string {
  const list = [...rooms]
  const lines: string[] = []
  lines.push('# HELP cachelab_rooms Rooms open in this process.', '# TYPE cachelab_rooms gauge', `cachelab_rooms ${list.length}`)
  for (const f of FAMILIES) {
    let total = 0
    for (const r of list) total += f.value(r.metrics)
    lines.push(`# HELP ${f.name} ${f.help} (all rooms)`, `# TYPE ${f.name} ${f.type}`, `${f.name} ${total}`)
  }
  // Quantiles do not add up across rooms: the sum and count do (their ratio is the mean).
  const s = 'cachelab_request_duration_ms'
  let sum = 0
  let count = 0
  for (const r of list) {
    sum += r.metrics.latencySum
    count += r.metrics.latencyCount
  }
  lines.push(`# HELP ${s} End-to-end request latency in milliseconds (recent requests, all rooms).`, `# TYPE ${s} summary`)
  lines.push(`${s}_sum ${sum.toFixed(3)}`, `${s}_count ${count}`)
  return `${lines.join('\n')}\n`
}
