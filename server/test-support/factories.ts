/**
 * Builders for events as the recorder stores them. Each one is validated with the LabEvent schema, so a test
 * cannot feed the code under test an event the engine could never record.
 */
import { LabEvent, make, type DataOf, type EventContext, type Kind, type Lane } from '../../lib/events'

let nextSeq = 1

/** A numbered, timed event: `event('hit', 'cache', { ms: 1 }, 'user:1', { src: 'app' })`. */
export function event<K extends Kind>(
  kind: K,
  lane: Lane,
  data: DataOf<K>,
  key?: string,
  ctx: EventContext & { seq?: number; time?: number } = {},
): LabEvent {
  const { seq = nextSeq++, time = Date.now(), ...rest } = ctx
  return LabEvent.parse({ ...make(kind, lane, data, key, rest), seq, time }) as LabEvent
}

/** A stale read of `key` that served `cached` while the database held `truth`, stale for `staleForMs`. */
export function staleRead(key: string, staleForMs: number, cached = 1, truth = 2): LabEvent {
  return event('stale-read', 'app', { cached, truth, staleForMs }, key)
}
