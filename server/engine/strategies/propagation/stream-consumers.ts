/**
 * The consuming side of the durable stream (the Kafka model), shared by the stream and outbox modes.
 *
 * Kafka → Redis Streams: a topic is a stream (`lab:<room>:bus`); an offset is an entry id; a consumer group
 * is a consumer group (here one per server, so every server sees every invalidation); committing an offset is
 * XACK. Each server reads with XREADGROUP … BLOCK from where its group left off, applies the entry (drops
 * its L1 copy), then acknowledges it. A server that was down resumes from its group's position, so nothing
 * published meanwhile is lost. A consumer that crashed after applying but before acknowledging leaves the
 * entry pending; its replacement claims it with XAUTOCLAIM and applies it again (a duplicate: delivery is at
 * least once, so applying must be idempotent).
 */
import { make } from '../../../../lib/events'
import { logger } from '../../../log'
import { decodeInvalidation, type Cluster, type ServerBus } from './cluster'

const log = logger('stream')
const BLOCK_MS = 1000

type Entry = [id: string, fields: string[]]

export class StreamConsumers {
  private running = new Map<string, { generation: number }>()
  private generation = new Map<string, number>()
  private crashNext = new Set<string>()
  private stopped = false

  constructor(
    private readonly cluster: Cluster,
    private readonly via: 'stream' | 'outbox',
  ) {}

  group(server: ServerBus): string {
    return `g-${server.id}`
  }

  consumer(server: ServerBus): string {
    return `${server.id}-${this.generation.get(server.id) ?? 1}`
  }

  /** Creates each server's group at the end of the stream (only what is published from now on). */
  async createGroups(): Promise<void> {
    const { bus } = this.cluster.keys
    for (const s of this.cluster.servers) {
      await this.cluster.room
        .scope({ req: 'setup', node: s.id })
        .cache.command('XGROUP CREATE', 'bus', (r) => r.xgroup('CREATE', bus, this.group(s), '$', 'MKSTREAM').catch(ignoreBusyGroup), {
          detail: () => `group ${this.group(s)} at the end of the stream`,
        })
    }
  }

  startAll(): void {
    this.stopped = false
    for (const s of this.cluster.servers) if (this.cluster.listeners.get(s.id)?.up) this.start(s)
  }

  /** Starts (or restarts) a server's consumer: first it claims what a crashed predecessor left pending. */
  start(server: ServerBus): void {
    if (this.running.has(server.id)) return
    const generation = (this.generation.get(server.id) ?? 0) + 1
    this.generation.set(server.id, generation)
    const state = { generation }
    this.running.set(server.id, state)
    this.cluster.listeners.set(server.id, { up: true })
    void this.loop(server, state).catch((err: Error) => log.debug(`${server.id} consumer stopped: ${err.message}`))
  }

  /** Stops a server's consumer (its group keeps its position in the stream). */
  async stop(server: ServerBus): Promise<void> {
    this.running.delete(server.id)
    await server.dropReader()
  }

  async stopAll(): Promise<void> {
    this.stopped = true
    await Promise.all(this.cluster.servers.map((s) => this.stop(s)))
  }

  crashBeforeAck(server: ServerBus): void {
    this.crashNext.add(server.id)
  }

  private alive(server: ServerBus, state: { generation: number }): boolean {
    return !this.stopped && this.running.get(server.id) === state
  }

  private async loop(server: ServerBus, state: { generation: number }): Promise<void> {
    const { bus } = this.cluster.keys
    const group = this.group(server)
    const consumer = this.consumer(server)
    const reader = server.reader()
    // Entries an earlier consumer of this group read but never acknowledged: claim and redo them.
    const claimed = (await reader.xautoclaim(bus, group, consumer, 0, '0-0', 'COUNT', 100)) as [string, Entry[], string[]]
    if (claimed[1].length > 0) {
      server.record(make('command', 'bus', { cmd: 'XAUTOCLAIM', ms: 0, detail: `${claimed[1].length} pending entries claimed by ${consumer}` }, 'bus', { node: server.id }))
    }
    for (const entry of claimed[1]) if (!(await this.handle(server, state, entry, true))) return
    while (this.alive(server, state)) {
      const reply = (await reader.xreadgroup('GROUP', group, consumer, 'COUNT', 100, 'BLOCK', BLOCK_MS, 'STREAMS', bus, '>')) as
        | [string, Entry[]][]
        | null
      for (const entry of reply?.[0]?.[1] ?? []) if (!(await this.handle(server, state, entry, false))) return
    }
  }

  /** Applies one entry and acknowledges it; false when the consumer "crashed" instead of acknowledging. */
  private async handle(server: ServerBus, state: { generation: number }, [id, fields]: Entry, redelivered: boolean): Promise<boolean> {
    if (!this.alive(server, state)) return false
    const inv = decodeInvalidation(fields[fields.indexOf('inv') + 1] ?? '')
    if (inv) this.cluster.apply(server, inv, this.via, { id, redelivered })
    if (this.crashNext.delete(server.id)) {
      server.record(make('fault', 'app', { name: 'consumer-crash', on: true, detail: `crashed after applying #${id}, before XACK` }, 'bus', { node: server.id }))
      this.running.delete(server.id)
      this.cluster.listeners.set(server.id, { up: false, crashed: true })
      await server.dropReader()
      return false
    }
    await server.redis.xack(this.cluster.keys.bus, this.group(server), id)
    this.cluster.counter(server.id).acked += 1
    server.record(make('ack', 'app', { id, group: this.group(server) }, inv?.key, { node: server.id }))
    return true
  }

  /** Per server: the group's last delivered id, its pending entries and its lag (entries not yet read). */
  async status(): Promise<Record<string, { lastDelivered: string; pending: number; lag: number | null }>> {
    const out: Record<string, { lastDelivered: string; pending: number; lag: number | null }> = {}
    try {
      // Read for the panel, not by the app: not recorded on the timeline.
      const groups = (await this.cluster.servers[0]!.redis.xinfo('GROUPS', this.cluster.keys.bus)) as unknown[][]
      for (const g of groups) {
        const f = fieldsOf(g)
        const server = String(f.name).replace(/^g-/, '')
        out[server] = { lastDelivered: String(f['last-delivered-id']), pending: Number(f.pending), lag: f.lag == null ? null : Number(f.lag) }
      }
    } catch {
      // No stream yet, or Redis unreachable: nothing to show.
    }
    return out
  }
}

function fieldsOf(flat: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1]
  return out
}

function ignoreBusyGroup(err: Error): string {
  if (/BUSYGROUP/.test(err.message)) return 'OK'
  throw err
}
