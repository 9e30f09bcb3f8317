/**
 * Event helpers in the cachified style: map events to compact tuples (`['cache', 'miss', 'user:1']`) and
 * compare whole sequences, the same sequences the timeline draws.
 */
import type { EventInput, EventOf, Kind, LabEvent } from '../../lib/events'
import { matches, type EventMatcher } from '../../lib/match'
import type { Recorder } from '../engine/recorder'

export type Brief = [lane: string, kind: string, key: string | null, src?: string]

/** `[lane, kind, key]`, plus the source when the event has one. */
export function brief(e: LabEvent | EventInput): Brief {
  const t: Brief = [e.lane, e.kind, e.key ?? null]
  if (e.src !== undefined) t.push(e.src)
  return t
}

export function briefs(events: readonly (LabEvent | EventInput)[]): Brief[] {
  return events.map(brief)
}

/** The events of one kind, typed as that kind's events. */
export function ofKind<K extends Kind>(events: readonly LabEvent[], kind: K): (EventOf<K> & LabEvent)[] {
  return events.filter((e): e is EventOf<K> & LabEvent => e.kind === kind)
}

/** Everything a room records from now on, as the recorder numbers it. */
export interface Collected {
  readonly events: LabEvent[]
  /** Events recorded after sequence number `seq`. */
  after(seq: number): LabEvent[]
  /** The last sequence number seen so far (0 if none). */
  readonly last: number
  /** Resolves with the first event (after `afterSeq`) that matches; rejects after `timeoutMs`. */
  waitFor(m: EventMatcher, opts?: { afterSeq?: number; timeoutMs?: number }): Promise<LabEvent>
  stop(): void
}

export function collect(recorder: Recorder, room: string): Collected {
  const events: LabEvent[] = []
  const waiters = new Set<{ m: EventMatcher; afterSeq: number; resolve(e: LabEvent): void }>()
  const stop = recorder.listen(room, (event) => {
    events.push(event)
    for (const w of waiters) {
      if (event.seq > w.afterSeq && matches(event, w.m)) {
        waiters.delete(w)
        w.resolve(event)
      }
    }
  })
  return {
    events,
    after: (seq) => events.filter((e) => e.seq > seq),
    get last() {
      return events.at(-1)?.seq ?? 0
    },
    waitFor(m, { afterSeq = 0, timeoutMs = 5000 } = {}) {
      const found = events.find((e) => e.seq > afterSeq && matches(e, m))
      if (found) return Promise.resolve(found)
      return new Promise((resolve, reject) => {
        const w = { m, afterSeq, resolve: (e: LabEvent) => (clearTimeout(timer), resolve(e)) }
        const timer = setTimeout(() => {
          waiters.delete(w)
          reject(new Error(`no event like ${JSON.stringify(m)} within ${timeoutMs} ms`))
        }, timeoutMs)
        waiters.add(w)
      })
    },
    stop,
  }
}

/** Checks that sequence numbers run 1, 2, 3 … n (or from `first`) without gaps or repeats. */
export function isContiguous(seqs: readonly number[], first = 1): boolean {
  return seqs.every((s, i) => s === first + i)
}
