/**
 * Malformed socket messages: every client event with a mutated or hostile payload, events the server does
 * not know, and (a few) messages over the size limit, which the server answers by closing the connection.
 */
import type { Rng } from './random'
import { hostileValue, mutate } from './values'

export interface SocketCase {
  kind: string
  event: string
  payload: unknown
  /** Known events get an ack; unknown ones are ignored (the socket must stay up). */
  acked: boolean
  /** Over the server's message size limit: the connection is closed instead of answered. */
  oversize?: boolean
}

export function socketCase(rng: Rng, room: string, maxBytes: number): SocketCase {
  const bases: Record<string, Record<string, unknown>> = {
    'room:join': { room },
    'events:replay': { room, after: 0, limit: 10 },
    action: { room, lab: 'ttl', action: 'read', userId: 1 },
    inspect: { room },
    metrics: { room },
    'session:host': { code: 'KQ7M3X', secret: 'a'.repeat(48) },
    'session:join': { code: 'KQ7M3X', name: 'Ada' },
    'session:control': { code: 'KQ7M3X', secret: 'a'.repeat(48), op: 'view', lab: 'ttl', step: 0 },
    'session:answer': { code: 'KQ7M3X', option: 0 },
    'session:fire': { code: 'KQ7M3X' },
  }
  const roll = rng.next()
  if (roll < 0.01) return { kind: 'over the size limit', event: 'action', payload: { room, lab: 'ttl', action: 'read', userId: 1, pad: 'x'.repeat(maxBytes + 1024) }, acked: true, oversize: true }
  if (roll < 0.06) return { kind: 'unknown event', event: rng.pick(['hack', 'constructor', 'toString', 'events:batch', 'status', 'x'.repeat(300)]), payload: hostileValue(rng), acked: false }
  const event = rng.pick(Object.keys(bases))
  const payload = mutate(rng, bases[event]!)
  // Several hostile fields together can add up past the limit too.
  const oversize = Buffer.byteLength(JSON.stringify(payload) ?? '') + 64 > maxBytes
  return { kind: `mutated ${event}`, event, payload, acked: true, oversize }
}
