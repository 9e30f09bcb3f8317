/**
 * The browser's side of a room: finds or creates the visitor's private room, joins it, replays what it
 * missed, keeps the event log gap-free across reconnects, and holds what the views draw (events, chart
 * series, lab settings, service status, the inspector's snapshot, metrics). Views subscribe and redraw at
 * most once per animation frame, however many events arrive.
 */
import type { Kind, LabEvent } from './events'
import { EventLog } from './event-log'
import { LIMITS } from './limits'
import type { InspectResult, MetricsSnapshot, RoomInfo, ServiceStatus } from './protocol'
import { Series } from './series'
import { ApiFailure, getSocket, request } from './socket'

const ROOM_STORAGE_KEY = 'cachelab.room'
/** Events after which the key inspector is worth refreshing: the cache's contents or the truth changed. */
export const CACHE_CHANGE_KINDS: ReadonlySet<Kind> = new Set<Kind>(['set', 'del', 'expire', 'persist', 'expired', 'evicted', 'cache-op', 'update'])
/** Events replayed when joining: enough to fill the timeline. */
const JOIN_HISTORY = 5000

export type Connection = 'connecting' | 'live' | 'offline'

export interface RoomSnapshot {
  room: RoomInfo | undefined
  connection: Connection
  status: ServiceStatus | undefined
  /** Settings of each lab, by lab id. */
  labs: Record<string, unknown>
  inspect: InspectResult | undefined
  /** Local time the inspector snapshot arrived (its `at` is the server's clock). */
  inspectReceivedAt: number
  metrics: MetricsSnapshot | undefined
  error: string | undefined
  /** Bumped whenever events were added. */
  eventsVersion: number
}

type Listener = () => void
type EventsListener = (added: readonly LabEvent[]) => void

/** The state before anything is known (also what the server renders). */
export const INITIAL_SNAPSHOT: RoomSnapshot = {
  room: undefined,
  connection: 'connecting',
  status: undefined,
  labs: {},
  inspect: undefined,
  inspectReceivedAt: 0,
  metrics: undefined,
  error: undefined,
  eventsVersion: 0,
}

/**
 * How the client gets into its room: by default the visitor's private room (created when needed); a
 * classroom enters through its session instead (the host's secret, or a participant's code and name).
 */
export type Enter = () => Promise<RoomInfo>

export class RoomClient {
  constructor(private readonly enter?: Enter) {}

  readonly log = new EventLog()
  readonly series = new Series()
  private snapshot: RoomSnapshot = INITIAL_SNAPSHOT
  private listeners = new Set<Listener>()
  private eventListeners = new Set<EventsListener>()
  private frame = 0
  private replaying = false
  private inspectTimer: ReturnType<typeof setTimeout> | undefined
  private inspecting = false
  private inspectAgain = false
  private pollers: ReturnType<typeof setInterval>[] = []
  private detach: (() => void) | undefined

  /** Starts (once): connects, joins or creates the room, and keeps it joined across reconnects. */
  start(): void {
    if (this.detach) return
    const socket = getSocket()
    const onConnect = () => void this.join()
    const onDisconnect = () => this.set({ connection: 'offline' })
    const onBatch = (batch: { room: string; events: LabEvent[] }) => {
      if (batch.room === this.snapshot.room?.id) this.receive(batch.events)
    }
    const onState = (msg: { room: string; lab: string; state: unknown }) => {
      if (msg.room === this.snapshot.room?.id) this.set({ labs: { ...this.snapshot.labs, [msg.lab]: msg.state } })
    }
    const onStatus = (status: ServiceStatus) => this.set({ status })
    socket.on('connect', onConnect)
    socket.on('disconnect', onDisconnect)
    socket.on('events:batch', onBatch)
    socket.on('lab:state', onState)
    socket.on('status', onStatus)
    if (socket.connected) onConnect()
    this.pollers.push(setInterval(() => void this.pollMetrics(), 1000))
    this.pollers.push(setInterval(() => this.scheduleInspect(0), 2000))
    this.detach = () => {
      socket.off('connect', onConnect)
      socket.off('disconnect', onDisconnect)
      socket.off('events:batch', onBatch)
      socket.off('lab:state', onState)
      socket.off('status', onStatus)
    }
  }

  stop(): void {
    this.detach?.()
    this.detach = undefined
    for (const p of this.pollers) clearInterval(p)
    this.pollers = []
    clearTimeout(this.inspectTimer)
    cancelAnimationFrame(this.frame)
  }

  get state(): RoomSnapshot {
    return this.snapshot
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  getSnapshot = (): RoomSnapshot => this.snapshot

  /** Called with each run of events that joined the log (for walkthrough progress, charts). */
  onEvents(listener: EventsListener): () => void {
    this.eventListeners.add(listener)
    return () => this.eventListeners.delete(listener)
  }

  async act(lab: string, action: string, params: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<unknown> {
    const room = this.snapshot.room?.id
    if (!room) throw new Error('Not connected to a room yet.')
    const res = await request('action', { room, lab, action, ...params }, timeoutMs)
    return res.result
  }

  /** Leaves this room for a brand-new one (private rooms only). */
  async newRoom(): Promise<void> {
    if (this.enter) return
    localStorage.removeItem(ROOM_STORAGE_KEY)
    this.log.clear(0)
    this.series.clear()
    this.set({ room: undefined, inspect: undefined, metrics: undefined, labs: {}, eventsVersion: this.log.version })
    await this.join()
  }

  private async join(): Promise<void> {
    this.set({ connection: 'connecting', error: undefined })
    try {
      let info: RoomInfo
      if (this.enter) info = await this.enter()
      else {
        const id = this.snapshot.room?.id ?? readStoredRoom() ?? (await createRoom())
        try {
          info = (await request('room:join', { room: id })).room
        } catch (err) {
          if (!(err instanceof ApiFailure) || err.error.code !== 'E_UNKNOWN_ROOM') throw err
          // The room was cleaned up while we were away: start a fresh one.
          info = (await request('room:join', { room: await createRoom() })).room
        }
        localStorage.setItem(ROOM_STORAGE_KEY, info.id)
      }
      const switched = info.id !== this.snapshot.room?.id
      if (switched) {
        this.log.clear(Math.max(0, info.lastSeq - JOIN_HISTORY, info.firstSeq - 1))
        this.series.clear()
      }
      this.set({ room: info, labs: info.labs, connection: 'live' })
      await this.catchUp()
      this.scheduleInspect(0)
      void this.pollMetrics()
    } catch (err) {
      this.set({ connection: 'offline', error: (err as Error).message })
      // A full server or a spent limit said when to come back: asking sooner would only be refused again.
      const wait = err instanceof RoomRefused && err.retryAfterS ? err.retryAfterS * 1000 : 2000
      setTimeout(() => {
        if (getSocket().connected && this.snapshot.connection !== 'live') void this.join()
      }, wait)
    }
  }

  private receive(events: LabEvent[]): void {
    this.append(events)
    if (this.log.hasGap) void this.catchUp()
  }

  /** Replays from the log's end until it is contiguous with the newest event. */
  private async catchUp(): Promise<void> {
    const room = this.snapshot.room?.id
    if (!room || this.replaying) return
    this.replaying = true
    try {
      for (;;) {
        const res = await request('events:replay', { room, after: this.log.lastSeq, limit: LIMITS.replayPage })
        if (res.firstSeq > this.log.lastSeq + 1) this.append(this.log.skipTo(res.firstSeq), true)
        this.append(res.events)
        if (res.events.length < LIMITS.replayPage && !this.log.hasGap) break
        if (res.events.length === 0) break
      }
    } catch (err) {
      this.set({ error: `Could not replay events: ${(err as Error).message}` })
    } finally {
      this.replaying = false
    }
  }

  private append(events: readonly LabEvent[], alreadyAdded = false): void {
    const added = alreadyAdded ? events : this.log.add(events)
    if (added.length === 0) return
    this.series.add(added)
    for (const l of this.eventListeners) l(added)
    if (added.some((e) => CACHE_CHANGE_KINDS.has(e.kind))) this.scheduleInspect(150)
    this.set({ eventsVersion: this.log.version })
  }

  private scheduleInspect(delayMs: number): void {
    if (!this.snapshot.room || document.hidden) return
    if (this.inspecting) {
      this.inspectAgain = true
      return
    }
    if (this.inspectTimer && delayMs > 0) return
    clearTimeout(this.inspectTimer)
    this.inspectTimer = setTimeout(() => void this.inspectNow(), delayMs)
  }

  private async inspectNow(): Promise<void> {
    this.inspectTimer = undefined
    const room = this.snapshot.room?.id
    if (!room) return
    this.inspecting = true
    try {
      const res = await request('inspect', { room })
      this.set({ inspect: { at: res.at, keys: res.keys, truncated: res.truncated, servers: res.servers }, inspectReceivedAt: Date.now() })
    } catch {
      // Redis or the database is down: the status banner says so; keep the last snapshot.
    } finally {
      this.inspecting = false
      if (this.inspectAgain) {
        this.inspectAgain = false
        this.scheduleInspect(250)
      }
    }
  }

  private async pollMetrics(): Promise<void> {
    const room = this.snapshot.room?.id
    if (!room || document.hidden) return
    try {
      // Over the socket, where joining the room is the proof: a classroom's participants hold no host secret.
      const res = await request('metrics', { room })
      this.set({ metrics: res.metrics })
    } catch {
      // Offline, or the room's engine is unreachable: the connection indicator and status banner say so.
    }
  }

  private set(patch: Partial<RoomSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch }
    if (this.frame) return
    this.frame = requestAnimationFrame(() => {
      this.frame = 0
      for (const l of this.listeners) l()
    })
  }
}

function readStoredRoom(): string | undefined {
  const id = localStorage.getItem(ROOM_STORAGE_KEY)
  return id && /^[a-z0-9]{6,32}$/.test(id) ? id : undefined
}

/** A room could not be made; `retryAfterS` is when the server said to try again (a limit, or full). */
export class RoomRefused extends Error {
  constructor(
    message: string,
    readonly retryAfterS: number | undefined,
  ) {
    super(message)
  }
}

async function createRoom(): Promise<string> {
  const res = await fetch('/api/rooms', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  if (!res.ok) {
    // The server's message says which limit was reached (or what is down) and when to come back.
    const body = (await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined
    const retry = Number(res.headers.get('retry-after'))
    throw new RoomRefused(
      `Could not create a room: ${body?.error?.message ?? `HTTP ${res.status}`}`,
      Number.isFinite(retry) && retry > 0 ? retry : undefined,
    )
  }
  return ((await res.json()) as { id: string }).id
}
