/**
 * Room lifecycle: create (metadata in Redis, seed rows, open the recorder), find (in memory, or rehydrated
 * from Redis after a restart), clean up when idle (SCAN + UNLINK on the prefix, rows deleted), and a sweep at
 * start that removes what rooms left behind when the process died.
 *
 * Ownership: a room's engine runs on one instance, named in the room's owner key. An instance claims a room
 * when nobody holds it, when it holds it already (a restarted process keeps its instance id, so it takes its
 * rooms back at once), or when the holder's liveness heartbeat is gone (a dead instance's rooms are taken over
 * within HEARTBEAT_TTL_MS instead of the owner key's TTL). An instance that finds one of its rooms claimed by
 * another stops running it.
 */
import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import { make } from '../../lib/events'
import { isInternalKey, parseRoomKey, roomKeys } from '../../lib/keys'
import type { Database } from '../db/database'
import { deleteRoomRows, roomsWithRows, seedRoom } from '../db/seed'
import { Liveness } from '../cluster/liveness'
import { logger } from '../log'
import { errors } from './errors'
import type { LabEnv, LabInstance } from './labs/lab'
import { LAB_DEFINITIONS } from './labs'
import { SCRIPTS, runScript } from './lua/scripts'
import { Room, type RoomDeps } from './room'

const log = logger('rooms')

/**
 * How long a room's owner key lasts without renewal (its owner renews it every third of that). Takeover does
 * not wait for it: a dead owner is recognised by its lapsed heartbeat. The TTL only clears keys of rooms
 * nobody runs any more.
 */
export const OWNER_TTL_MS = 15_000

export interface RoomsOptions {
  idleMs: number
  /** This process's id among the server instances sharing the Redis. */
  instance: string
  publishState(room: string, lab: string, state: unknown): void
}

export interface LiveRoom {
  room: Room
  labs: Map<string, LabInstance>
  /** Set while a demo runs, so two cannot interleave. */
  demo?: string
  /** The lab that acted last: when another acts, this one is told to stop its background work. */
  active?: string
}

export class Rooms {
  private live = new Map<string, LiveRoom>()
  private loading = new Map<string, Promise<LiveRoom>>()
  /** Rooms being cleaned up: never loaded again, even if a request for one arrives meanwhile. */
  private destroying = new Set<string>()
  private janitor: NodeJS.Timeout | undefined
  private renewer: NodeJS.Timeout | undefined
  private metaTouched = new Map<string, number>()
  /** This instance's heartbeat; when it lapsed, our rooms are checked at once (another may have taken them). */
  readonly liveness: Liveness

  constructor(
    private readonly deps: RoomDeps & { redis: Redis; db: Database },
    private readonly opts: RoomsOptions,
  ) {
    this.liveness = new Liveness(deps.redis, opts.instance, () => void this.renewOwnership())
  }

  isLive(id: string): boolean {
    return this.live.has(id)
  }

  /** The room if this process has it loaded; never loads one. */
  peek(id: string): LiveRoom | undefined {
    return this.live.get(id)
  }

  all(): LiveRoom[] {
    return [...this.live.values()]
  }

  async create(): Promise<LiveRoom> {
    const id = newRoomId()
    const keys = roomKeys(id)
    // Either service being down is the visitor's clear 503, not an unexpected error.
    await this.deps.redis
      .multi()
      .hset(keys.meta, 'created', Date.now())
      .pexpire(keys.meta, this.metaTtl())
      .set(keys.owner, this.opts.instance, 'PX', OWNER_TTL_MS)
      .exec()
      .catch((err: unknown) => {
        throw errors.cacheUnavailable(keys.meta, err)
      })
    await seedRoom(this.deps.db, id).catch((err: unknown) => {
      throw errors.dbUnavailable(err)
    })
    return this.open(id)
  }

  /**
   * Which instance runs a room's engine: this one if it has it loaded, another if that one holds the
   * room's owner key, or undefined (nobody: the next to ask takes it).
   */
  async ownerOf(id: string): Promise<string | undefined> {
    if (this.live.has(id)) return this.opts.instance
    return (await this.deps.redis.get(roomKeys(id).owner)) ?? undefined
  }

  /** The room, loading it if it exists in Redis but not in this process. Throws E_UNKNOWN_ROOM. */
  async get(id: string): Promise<LiveRoom> {
    if (this.destroying.has(id)) throw errors.unknownRoom(id)
    const live = this.live.get(id)
    if (live) return live
    let loading = this.loading.get(id)
    if (!loading) {
      loading = this.rehydrate(id).finally(() => this.loading.delete(id))
      this.loading.set(id, loading)
    }
    return loading
  }

  /** Marks activity: postpones idle cleanup, and refreshes the metadata TTL at most once a minute. */
  touch(live: LiveRoom): void {
    live.room.touch()
    const last = this.metaTouched.get(live.room.id) ?? 0
    if (Date.now() - last < 60_000) return
    this.metaTouched.set(live.room.id, Date.now())
    this.deps.redis.pexpire(live.room.keys.meta, this.metaTtl()).catch(() => {})
  }

  /** Writes a live room's metadata again (after Redis lost it in a restart). */
  async restoreMeta(live: LiveRoom): Promise<void> {
    const { meta } = live.room.keys
    await this.deps.redis.multi().hsetnx(meta, 'created', live.room.createdAt).pexpire(meta, this.metaTtl()).exec()
  }

  startJanitor(): void {
    void this.liveness.start()
    this.janitor = setInterval(() => void this.sweepIdle(), Math.min(60_000, this.opts.idleMs / 2))
    this.janitor.unref()
    this.renewer = setInterval(() => void this.renewOwnership(), OWNER_TTL_MS / 3)
    this.renewer.unref()
  }

  /**
   * Keeps this instance the owner of the rooms it runs (taking back keys that lapsed while Redis was away),
   * and stops running any room another instance has taken over meanwhile: two instances never run one room.
   */
  async renewOwnership(): Promise<void> {
    const ids = [...this.live.keys()]
    const renewed = await Promise.all(
      ids.map((id) =>
        runScript<number>(this.deps.redis, SCRIPTS.ownerRenew, [roomKeys(id).owner], [this.opts.instance, OWNER_TTL_MS]).catch(
          () => 1, // Redis down: nobody can take the room meanwhile without our heartbeat lapsing; checked again then
        ),
      ),
    )
    await Promise.all(ids.filter((_, i) => renewed[i] === 0).map((id) => this.evict(id)))
  }

  async sweepIdle(): Promise<string[]> {
    const cutoff = Date.now() - this.opts.idleMs
    const idle = this.all().filter((l) => l.room.viewers === 0 && !l.demo && l.room.lastActive < cutoff)
    for (const l of idle) await this.destroy(l.room.id).catch((err) => log.warn(`cleanup of ${l.room.id} failed`, err))
    return idle.map((l) => l.room.id)
  }

  /** Removes a room everywhere: labs stopped, keys unlinked, rows deleted. */
  async destroy(id: string): Promise<void> {
    this.destroying.add(id)
    // Out of `live` before the first await, so nothing can act in the room while it is being taken apart.
    const live = this.live.get(id)
    this.live.delete(id)
    try {
      // The metadata goes first, so no process (this one included) can load the room again from now on.
      await this.deps.redis.unlink(roomKeys(id).meta)
      if (live) {
        for (const lab of live.labs.values()) lab.stop()
        await live.room.dispose()
        await this.deps.recorder.close(id)
      }
      this.metaTouched.delete(id)
      this.deps.watch.cancelPrefix(roomKeys(id).prefix)
      const removed = await unlinkMatching(this.deps.redis, roomKeys(id).pattern)
      await deleteRoomRows(this.deps.db, id)
      log.info(`room ${id} cleaned up (${removed} keys)`)
    } finally {
      this.destroying.delete(id)
    }
  }

  /** Deletes a room's data keys (not its stream or metadata), recording each delete as the app's. */
  async clearCache(live: LiveRoom): Promise<number> {
    const { room } = live
    const keys: string[] = []
    await scanEach(this.deps.redis, room.keys.pattern, (batch) => {
      for (const full of batch) {
        const parsed = parseRoomKey(full)
        if (parsed && !isInternalKey(parsed.key)) keys.push(full)
      }
    })
    if (keys.length === 0) return 0
    for (const full of keys) {
      this.deps.observer.expect(full, ['del'])
      this.deps.watch.cancel(full)
    }
    await this.deps.redis.unlink(...keys)
    for (const full of keys) room.record(make('del', 'cache', { existed: true }, parseRoomKey(full)!.key, { src: 'app' }))
    return keys.length
  }

  /**
   * Removes what dead processes left: rows of rooms that have no metadata in Redis any more, and keys under
   * `lab:<room>:` for such rooms. Runs in the background at start.
   */
  async sweepOrphans(): Promise<{ rooms: number; keys: number }> {
    const { redis, db } = this.deps
    const orphanRooms = new Set<string>()
    for (const id of await roomsWithRows(db)) {
      if (!this.live.has(id) && (await redis.exists(roomKeys(id).meta)) === 0) orphanRooms.add(id)
    }
    let keys = 0
    const checked = new Map<string, boolean>()
    await scanEach(redis, 'lab:*', async (batch) => {
      const dead: string[] = []
      for (const full of batch) {
        const parsed = parseRoomKey(full)
        if (!parsed || this.live.has(parsed.room)) continue
        let alive = checked.get(parsed.room)
        if (alive === undefined) {
          alive = (await redis.exists(roomKeys(parsed.room).meta)) === 1
          checked.set(parsed.room, alive)
        }
        if (!alive) {
          dead.push(full)
          orphanRooms.add(parsed.room)
        }
      }
      if (dead.length > 0) keys += await redis.unlink(...dead)
    })
    for (const id of orphanRooms) await deleteRoomRows(db, id)
    if (orphanRooms.size > 0) log.info(`swept ${orphanRooms.size} abandoned rooms (${keys} keys)`)
    return { rooms: orphanRooms.size, keys }
  }

  async stop(): Promise<void> {
    clearInterval(this.janitor)
    clearInterval(this.renewer)
    // Hand the rooms back at once, so another instance can take them over without waiting for the TTL.
    await Promise.all(
      [...this.live.keys()].map((id) =>
        runScript(this.deps.redis, SCRIPTS.ownerRelease, [roomKeys(id).owner], [this.opts.instance]).catch(() => 0),
      ),
    )
    await this.liveness.stop()
    for (const live of this.live.values()) {
      for (const lab of live.labs.values()) lab.stop()
      await live.room.dispose()
    }
  }

  private async rehydrate(id: string): Promise<LiveRoom> {
    const keys = roomKeys(id)
    const ask = <T>(command: Promise<T>) =>
      command.catch((err: unknown) => {
        throw errors.cacheUnavailable(keys.meta, err)
      })
    const exists = await ask(this.deps.redis.exists(keys.meta))
    if (exists === 0) throw errors.unknownRoom(id)
    // Another live instance runs this room: it must not run twice.
    if (!(await ask(this.claim(id)))) throw errors.elsewhere(id)
    try {
      const { rows } = await this.deps.db.query('SELECT 1 FROM users WHERE room = $1 LIMIT 1', [id])
      if (rows.length === 0) await seedRoom(this.deps.db, id)
    } catch (err) {
      throw errors.dbUnavailable(err)
    }
    return this.open(id)
  }

  /**
   * Makes this instance the room's owner unless another live instance is. Ours at once if nobody holds it or
   * we do (a restart with the same instance id); a dead owner's (heartbeat gone) is taken over in one step
   * that first checks the owner is still the one found dead.
   */
  private async claim(id: string): Promise<boolean> {
    const claim = (dead: string) =>
      runScript<string>(this.deps.redis, SCRIPTS.ownerClaim, [roomKeys(id).owner], [this.opts.instance, OWNER_TTL_MS, dead])
    const owner = await claim('')
    if (owner === this.opts.instance) return true
    if (await this.liveness.isAlive(owner)) return false
    const taken = (await claim(owner)) === this.opts.instance
    if (taken) log.info(`took over room ${id} from ${owner} (no heartbeat)`)
    return taken
  }

  /** Stops running a room another instance owns now, leaving its data (keys, stream, rows) to that one. */
  private async evict(id: string): Promise<void> {
    const live = this.live.get(id)
    if (!live) return
    this.live.delete(id)
    log.warn(`room ${id} was taken over by another instance; no longer running it here`)
    for (const lab of live.labs.values()) lab.stop()
    await live.room.dispose().catch(() => {})
    // The stream refuses an entry id at or below its last, so what this flushes cannot duplicate or reorder
    // events the new owner has already appended.
    await this.deps.recorder.close(id).catch(() => {})
  }

  private async open(id: string): Promise<LiveRoom> {
    await this.deps.recorder.open(id)
    const room = new Room(id, this.deps)
    await room.start()
    const live: LiveRoom = { room, labs: new Map() }
    for (const [labId, def] of Object.entries(LAB_DEFINITIONS)) {
      live.labs.set(labId, def.create(room, this.labEnv(live, labId)))
    }
    this.live.set(id, live)
    return live
  }

  private labEnv(live: LiveRoom, labId: string): LabEnv {
    return {
      db: this.deps.db,
      redis: this.deps.redis,
      publishState: (state) => this.opts.publishState(live.room.id, labId, state),
      clearCache: () => this.clearCache(live),
      reseed: () => seedRoom(this.deps.db, live.room.id),
    }
  }

  private metaTtl(): number {
    return Math.round(this.opts.idleMs * 2)
  }
}

/** Room ids: 12 characters of [a-z0-9] from a CSPRNG (62 bits): not guessable in practice. */
export function newRoomId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'
  const bytes = randomBytes(12)
  let id = ''
  for (const b of bytes) id += alphabet[b % alphabet.length]
  return id
}

/** SCAN MATCH over the whole keyspace, handing each batch to fn; never KEYS, so Redis is never blocked. */
export async function scanEach(
  redis: Redis,
  pattern: string,
  fn: (keys: string[]) => void | Promise<void>,
): Promise<void> {
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000)
    cursor = next
    if (keys.length > 0) await fn(keys)
  } while (cursor !== '0')
}

async function unlinkMatching(redis: Redis, pattern: string): Promise<number> {
  let removed = 0
  await scanEach(redis, pattern, async (keys) => {
    removed += await redis.unlink(...keys)
  })
  return removed
}
