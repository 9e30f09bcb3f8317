/**
 * The engine: one per process. It owns the recorder, the cache observer and the expiry watch, and the rooms
 * with their running labs. The HTTP API and the socket layer call only its methods; every input they pass
 * has been shape-checked, and the engine validates action parameters against the lab's own schemas.
 */
import type { Redis } from 'ioredis'
import { z, type ZodObject } from 'zod'
import type { Actor, LabEvent } from '../../lib/events'
import { LAB_ACTIONS } from '../../lib/labs/actions'
import { findLab, LABS } from '../../lib/labs/catalogue'
import { validateLab } from '../../lib/labs/schema'
import type { InspectResult, MetricsSnapshot, ReplayResult, RoomInfo, ServiceStatus } from '../../lib/protocol'
import type { Database } from '../db/database'
import { logger } from '../log'
import { enableKeyspaceEvents } from '../redis/keyspace'
import { CacheObserver } from './cache-observer'
import { runDemo, type DemoResult } from './demo-runner'
import { errors, issuesOf } from './errors'
import { asActor } from './actor'
import { ExpiryWatch } from './expiry-watch'
import type { FaultName } from './faults'
import { inspectRoom } from './inspector'
import { renderAggregate, renderPrometheus } from './prometheus'
import { Recorder } from './recorder'
import { Rooms, type LiveRoom } from './rooms'
import { enterLab } from './labs/common'
import type { ConnectionBudget } from '../limits/connection-budget'

const log = logger('engine')

export interface EngineOptions {
  /** This process's id among the server instances sharing the Redis. */
  instance: string
  redis: Redis
  /** The Redis URL, for connections rooms open of their own (app servers, subscribers). */
  redisUrl: string
  sub: Redis
  db: Database
  roomIdleMs: number
  roomEventsMax: number
  /** Sends a batch of a room's events to its browsers. */
  emitBatch(room: string, events: LabEvent[]): void
  /** Whether a room has browsers connected (default: assume so). */
  watched?(room: string): boolean
  /** Sends a lab's new settings to a room's browsers. */
  emitState(room: string, lab: string, state: unknown): void
  /** Whether to check every lab's content against its actions at start (default yes; production: no). */
  checkContent?: boolean
  /** The Redis connections rooms' labs may hold between them on this instance (default: no limit). */
  connections?: ConnectionBudget
}

/** Every lab's walkthrough, demos and questions checked against its actions; throws at the first mistake. */
export function checkContent(): void {
  for (const lab of LABS) validateLab(lab, LAB_ACTIONS[lab.id] ?? {})
}

export class Engine {
  readonly recorder: Recorder
  readonly watch: ExpiryWatch
  readonly observer: CacheObserver
  readonly rooms: Rooms
  private notifications = false

  constructor(private readonly opts: EngineOptions) {
    this.recorder = new Recorder(opts.redis, opts.emitBatch, { maxLen: opts.roomEventsMax, watched: opts.watched })
    this.watch = new ExpiryWatch(opts.redis)
    this.observer = new CacheObserver({
      sub: opts.sub,
      command: opts.redis,
      watch: this.watch,
      isLive: (room) => this.rooms.isLive(room),
      record: (room, event) => this.recorder.record(room, event),
      db: opts.redis.options.db ?? 0,
    })
    this.rooms = new Rooms(
      {
        redis: opts.redis,
        redisUrl: opts.redisUrl,
        db: opts.db,
        recorder: this.recorder,
        observer: this.observer,
        watch: this.watch,
        connections: opts.connections,
      },
      { idleMs: opts.roomIdleMs, instance: opts.instance, publishState: opts.emitState },
    )
  }

  async start(): Promise<void> {
    // Lab content is checked by `npm run build` and the tests; a production start trusts what they passed
    // (checking every lab's walkthroughs, demos and questions cost 0.4 s of a 3 s start).
    if (this.opts.checkContent ?? true) checkContent()
    const keyspace = await enableKeyspaceEvents(this.opts.redis)
    this.notifications = keyspace.ok
    if (!keyspace.ok) log.warn(`keyspace notifications unavailable (${keyspace.detail}); the timeline shows the app's own events only`)
    await this.observer.start()
    this.rooms.startJanitor()
    void this.rooms.sweepOrphans().catch((err) => log.warn('orphan sweep failed', err))
  }

  /**
   * Redis is back after an outage. If it restarted, it lost its CONFIG (notifications off again) and the
   * rooms' metadata: switch the one back on and write the other again, so the rooms keep working and are not
   * mistaken for abandoned ones.
   */
  async redisReconnected(): Promise<void> {
    const keyspace = await enableKeyspaceEvents(this.opts.redis)
    this.notifications = keyspace.ok
    for (const live of this.rooms.all()) await this.rooms.restoreMeta(live).catch(() => {})
  }

  async stop(): Promise<void> {
    await this.rooms.stop()
    await this.recorder.closeAll()
    this.watch.stop()
    await this.observer.stop()
  }

  get keyspaceNotifications(): boolean {
    return this.notifications
  }

  async createRoom(): Promise<RoomInfo> {
    const live = await this.rooms.create()
    return this.info(live)
  }

  async room(id: string): Promise<LiveRoom> {
    const live = this.rooms.peek(id) ?? (await this.rooms.get(id))
    this.rooms.touch(live)
    return live
  }

  async info(live: LiveRoom): Promise<RoomInfo> {
    const labs: Record<string, unknown> = {}
    for (const [id, lab] of live.labs) labs[id] = lab.state()
    return {
      id: live.room.id,
      prefix: live.room.keys.prefix,
      lastSeq: this.recorder.lastSeq(live.room.id),
      firstSeq: await this.recorder.firstSeq(live.room.id),
      labs,
    }
  }

  /**
   * Runs `{ lab, action, ...params }` in a room: the same call for a button, the HTTP API and a demo step.
   * Unknown labs and actions, and parameters that do not fit the action's schema, are 4xx errors.
   *
   * Not an async function on purpose: a loaded room is found, checked and handed to its lab synchronously,
   * because every read of every burst comes through here and each async layer it crosses is another promise
   * and frame held for the whole request (with 1000 requests in flight, that was a fifth of a cache hit's cost).
   */
  act(
    roomId: string,
    body: { lab: string; action: string } & Record<string, unknown>,
    by: Actor,
    label?: string,
  ): Promise<unknown> {
    const live = this.rooms.peek(roomId)
    // Not loaded here yet: load it (room() touches it), then act in what was loaded.
    if (!live) return this.room(roomId).then((loaded) => this.actIn(loaded, body, by, label))
    this.rooms.touch(live)
    try {
      return this.actIn(live, body, by, label)
    } catch (err) {
      return Promise.reject(err)
    }
  }

  private actIn(
    live: LiveRoom,
    body: { lab: string; action: string } & Record<string, unknown>,
    by: Actor,
    label: string | undefined,
  ): Promise<unknown> {
    const { lab: labId, action } = body
    const spec = findLab(labId)
    const lab = live.labs.get(labId)
    if (!spec || !lab) throw errors.unknownLab(labId, LABS.map((l) => l.id))
    const actions = LAB_ACTIONS[labId] ?? {}
    const actionSpec = Object.hasOwn(actions, action) ? actions[action] : undefined
    if (!actionSpec) throw errors.unknownAction(labId, action, Object.keys(actions))
    const parsed = parseBody(actionSpec.params, body)
    if (!parsed.success) throw errors.invalid(`Invalid parameters for ${labId}.${action}`, issuesOf(parsed.error))
    const params = parsed.data as Record<string, unknown>
    if (action === 'demo') return this.demo(live, labId, params.id as string)
    if (action === 'fault') {
      const target = params.target as FaultName
      if ((params.times as number) > 0) live.room.faults.arm(target, params.times as number)
      else live.room.faults.disarm(target)
      return Promise.resolve({ target, armed: live.room.faults.remaining(target) })
    }
    if (action === 'reset') live.room.faults.clear()
    // The room moved to this lab: the others stop what they run in the background, and this one's settings
    // that belong to the whole room (the database latency) apply again.
    if (live.active !== labId) {
      live.active = labId
      for (const [id, other] of live.labs) if (id !== labId) other.leave?.()
      enterLab(live.room, lab.state())
    }
    return asActor(label, () => lab.act(action, params, by))
  }

  private async demo(live: LiveRoom, labId: string, demoId: string): Promise<DemoResult> {
    const spec = findLab(labId)!
    const demo = spec.demos.find((d) => d.id === demoId)
    if (!demo) throw errors.unknownDemo(labId, demoId)
    if (live.demo) throw errors.busy(`The demo "${live.demo}" is still running in this room.`)
    live.demo = demoId
    try {
      return await runDemo(live.room, this.recorder, demo, (action, params) =>
        this.act(live.room.id, { lab: labId, action, ...params }, 'demo'),
      )
    } finally {
      live.demo = undefined
    }
  }

  async replay(roomId: string, after: number, limit: number): Promise<ReplayResult> {
    await this.room(roomId)
    return this.recorder.replay(roomId, after, limit)
  }

  async inspect(roomId: string): Promise<InspectResult> {
    const live = await this.room(roomId)
    const servers = [...live.labs.values()].flatMap((lab) => lab.inspect?.() ?? [])
    const l1Keys = servers.flatMap((s) => s.entries.map((e) => e.key))
    const result = await inspectRoom(live.room, this.opts.redis, this.opts.db, l1Keys)
    return servers.length > 0 ? { ...result, servers } : result
  }

  async metrics(roomId: string): Promise<MetricsSnapshot> {
    const live = await this.room(roomId)
    return live.room.metrics.snapshot()
  }

  /** GET /metrics: per room only for an operator (`perRoom`), else summed with no room ids in it. */
  prometheus(perRoom = false): string {
    const rooms = this.rooms.all().map((l) => ({ id: l.room.id, metrics: l.room.metrics }))
    return perRoom ? renderPrometheus(rooms) : renderAggregate(rooms)
  }

  status(redis: { ok: boolean; detail?: string }, db: { ok: boolean; detail?: string }): ServiceStatus {
    return {
      redis: redis.ok ? { ok: true } : { ok: false, detail: redis.detail },
      db: { ok: db.ok, kind: this.opts.db.kind, detail: db.ok ? undefined : db.detail },
      notifications: this.notifications,
    }
  }
}

/**
 * Checks a whole action body: the action's parameters, strictly (an unknown field is an error), plus the
 * envelope (`lab`, `action`, and `room` when it came over the socket), which is left out of the result.
 *
 * The common case is a body with known fields only: a look at its field names, then the parameters' own
 * schema (which drops the envelope). Anything else goes through the full strict schema, which names what is
 * wrong. Both are built once per action: zod compiles a schema on its first parse, so building one per call
 * cost more than the rest of a cache hit.
 */
interface BodyChecker {
  fields: Set<string>
  strict: z.ZodType
}
const BODY_CHECKERS = new WeakMap<ZodObject, BodyChecker>()
const ENVELOPE = ['lab', 'action', 'room']

function parseBody(params: ZodObject, body: Record<string, unknown>) {
  let checker = BODY_CHECKERS.get(params)
  if (!checker) {
    checker = {
      fields: new Set([...Object.keys(params.shape), ...ENVELOPE]),
      strict: params
        .extend({ lab: z.string(), action: z.string(), room: z.string().optional() })
        .strict()
        .transform(({ lab: _lab, action: _action, room: _room, ...rest }) => rest),
    }
    BODY_CHECKERS.set(params, checker)
  }
  let plain = body.room === undefined || typeof body.room === 'string'
  for (const field in body) {
    if (!plain) break
    plain = Object.hasOwn(body, field) && checker.fields.has(field)
  }
  return plain ? params.safeParse(body) : checker.strict.safeParse(body)
}
