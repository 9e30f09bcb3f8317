/**
 * A worker thread holding the classroom bench's participants: N socket.io clients on loopback (the lean
 * WebSocket client of classroom-wire.ts), each joined to one session with its own name, each recording every
 * event it receives: the sequence numbers (a gap is an event it never got) and the time from the event being
 * recorded on the server to this client having it (both read the machine's wall clock). Apart from the
 * server's thread, so a busy server cannot delay the arrival timestamps.
 */
import { parentPort, Worker, workerData } from 'node:worker_threads'
import { connectWire, type WireClient } from './classroom-wire'

export interface ClientsInput {
  url: string
  code: string
  clients: number
  /** Number of the first client (names are `student <n>`). */
  first: number
  /** Keep every receipt's delay (default); a long soak only counts sequence numbers. */
  delays?: boolean
  /** Parse every batch in full (JSON.parse) instead of scanning it for sequence numbers and times. */
  fullDecode?: boolean
}

export interface ClientsReport {
  /** Per client: events received, gaps seen (an event whose seq was not the previous + 1), last seq. */
  clients: { received: number; gaps: number; firstSeq: number; lastSeq: number }[]
  /** Every receipt's delay in ms (event time to receipt), all clients together. */
  delays: Float64Array
}

type Msg = { type: 'ready' } | { type: 'report'; report: ClientsReport } | { type: 'error'; message: string }

/** Starts the worker; resolves once every client has joined. `finish(lastSeq)` waits until each has it, then reports. */
export async function startClients(input: ClientsInput): Promise<{ finish(lastSeq: number, timeoutMs: number): Promise<ClientsReport> }> {
  const tsx = import.meta.resolve('tsx/esm/api')
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}) })`
  const worker = new Worker(boot, { eval: true, workerData: input })
  const next = () =>
    new Promise<Msg>((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
    })
  const first = await next()
  if (first.type === 'error') throw new Error(first.message)
  return {
    async finish(lastSeq, timeoutMs) {
      worker.postMessage({ lastSeq, timeoutMs })
      const msg = await next()
      await worker.terminate()
      if (msg.type !== 'report') throw new Error(msg.type === 'error' ? msg.message : 'no report')
      return msg.report
    },
  }
}

async function run(input: ClientsInput): Promise<void> {
  const port = parentPort!
  const sockets: WireClient[] = []
  const stats = Array.from({ length: input.clients }, () => ({ received: 0, gaps: 0, firstSeq: 0, lastSeq: 0 }))
  let delays = new Float64Array(1 << 20)
  let n = 0
  const record = (ms: number) => {
    if (n === delays.length) {
      const bigger = new Float64Array(delays.length * 2)
      bigger.set(delays)
      delays = bigger
    }
    delays[n++] = ms
  }
  try {
    // Joined a few at a time, as a class arrives.
    for (let i = 0; i < input.clients; i += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, input.clients - i) }, async (_, j) => {
          const k = i + j
          const st = stats[k]!
          const s = await connectWire(
            input.url,
            (events, now) => {
              for (const e of events) {
                if (st.lastSeq !== 0 && e.seq !== st.lastSeq + 1) st.gaps++
                if (st.firstSeq === 0) st.firstSeq = e.seq
                st.lastSeq = e.seq
                st.received++
                if (input.delays !== false) record(now - e.time)
              }
            },
            input.fullDecode,
          )
          sockets[k] = s
          const res = await s.join(input.code, `student ${input.first + k + 1}`)
          if (!res.ok) throw new Error(`client ${k} could not join: ${res.error?.message}`)
        }),
      )
    }
    port.postMessage({ type: 'ready' } satisfies Msg)
    const { lastSeq, timeoutMs } = await new Promise<{ lastSeq: number; timeoutMs: number }>((resolve) => port.once('message', resolve))
    const deadline = Date.now() + timeoutMs
    while (stats.some((s) => s.lastSeq < lastSeq) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    for (const s of sockets) s.close()
    port.postMessage({ type: 'report', report: { clients: stats, delays: delays.slice(0, n) } } satisfies Msg)
  } catch (err) {
    for (const s of sockets) s?.close()
    port.postMessage({ type: 'error', message: (err as Error).message } satisfies Msg)
  }
}

if (parentPort && (workerData as ClientsInput | undefined)?.code) void run(workerData as ClientsInput)
