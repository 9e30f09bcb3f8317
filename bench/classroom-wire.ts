/**
 * A lean participant for the classroom benches: the socket.io protocol (Engine.IO 4 over a WebSocket) spoken
 * directly with `ws`, and each event batch read by scanning its text for the sequence number and time of
 * every event instead of building the objects. A participant's own device decodes its own messages; here
 * hundreds share the two cores with the server, and socket.io-client's full decode of ~80 MB/s of JSON was
 * the bench's largest cost (a profile of 500 participants: two client threads ~65% busy each, two thirds of
 * it in JSON.parse), so it measured the clients more than the server. BENCH_CLASS_DECODE=full parses
 * every batch with JSON.parse instead, for comparison.
 *
 * The scan is conservative: an event it failed to see is a gap, so it can make the bench fail, never pass.
 */
import WebSocket from 'ws'

export interface Receipt {
  seq: number
  time: number
}

export interface WireClient {
  /** Emits `session:join` and resolves with its ack. */
  join(code: string, name: string): Promise<{ ok: boolean; error?: { message: string } }>
  close(): void
}

const BATCH = '42["events:batch",'
// Every event starts with its sequence number and time (the recorder numbers an object created with both).
const EVENT = /\{"seq":(\d+),"time":(\d+(?:\.\d+)?)/g

export function connectWire(url: string, onEvents: (receipts: Receipt[], now: number) => void, full = false): Promise<WireClient> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false })
  const acks = new Map<number, (res: never) => void>()
  let nextAck = 0
  return new Promise((resolve, reject) => {
    ws.once('error', reject)
    ws.on('message', (data: Buffer) => {
      const now = performance.timeOrigin + performance.now()
      const text = data.toString()
      if (text.startsWith(BATCH)) return onEvents(full ? parseFull(text) : scan(text), now)
      if (text === '2') return ws.send('3') // Engine.IO ping → pong
      if (text.startsWith('0')) return ws.send('40') // Engine.IO open → socket.io connect to "/"
      if (text.startsWith('40')) {
        return resolve({
          join: (code, name) =>
            new Promise((done) => {
              const id = nextAck++
              acks.set(id, done as (res: never) => void)
              ws.send(`42${id}${JSON.stringify(['session:join', { code, name }])}`)
            }),
          close: () => ws.close(),
        })
      }
      const ack = /^43(\d+)/.exec(text)
      if (ack) {
        const id = Number(ack[1])
        const done = acks.get(id)
        acks.delete(id)
        done?.((JSON.parse(text.slice(ack[0].length)) as never[])[0]!)
      }
    })
  })
}

function scan(text: string): Receipt[] {
  const out: Receipt[] = []
  for (const m of text.matchAll(EVENT)) out.push({ seq: Number(m[1]), time: Number(m[2]) })
  return out
}

function parseFull(text: string): Receipt[] {
  const [, payload] = JSON.parse(text.slice(2)) as [string, { events: Receipt[] }]
  return payload.events.map((e) => ({ seq: e.seq, time: e.time }))
}
