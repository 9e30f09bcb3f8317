/**
 * The keys a user owns in the pattern-invalidation lab, and the fill that puts them (and thousands of other
 * users' keys) into a room. Every value is built from the room's real rows, read with two SQL queries:
 *
 *   user:<id>:profile      the users row (carries its version, so the oracle can judge it)
 *   user:<id>:posts        the user's own posts
 *   user:<id>:friends      five other users
 *   user:<id>:feed:<page>  a page of other people's posts, newest first
 *   user:<id>:keys         the tag set: every key above, so they can be found without a scan
 *   post:<id>              one post
 *
 * The fill is pipelined, a thousand commands per round trip, and recorded as one event per round trip; only
 * the chosen user's keys get an event each, so they show in the key inspector.
 */
import { dataKey } from '../../../lib/keys'
import type { Notification } from '../cache-observer'
import type { Scope } from '../room'
import type { BulkOutcome } from '../room-cache'

export const FEED_PAGE_SIZE = 5
/** Commands per pipelined round trip. */
const BATCH = 1000

export interface UserRowLite {
  id: number
  name: string
  email: string
  popular: boolean
  version: number
}
export interface PostRowLite {
  id: number
  user_id: number
  title: string
  body: string
  likes: number
  version: number
}

export interface KeyValue {
  key: string
  value: { version?: number } & Record<string, unknown>
}

/** A user's keys and the members of their tag set. */
export interface UserKeySet {
  userId: number
  entries: KeyValue[]
  tag: string
}

/** Builds one user's keys from the rows: profile, posts, friends and `pages` feed pages (pure). */
export function userKeySet(
  user: UserRowLite,
  users: readonly UserRowLite[],
  posts: readonly PostRowLite[],
  pages: number,
): UserKeySet {
  const id = user.id
  const own = posts.filter((p) => p.user_id === id).map(({ id: pid, title, likes }) => ({ id: pid, title, likes }))
  const feed = posts
    .filter((p) => p.user_id !== id)
    .sort((a, b) => b.id - a.id)
    .map(({ id: pid, user_id, title, likes }) => ({ id: pid, user_id, title, likes }))
  const entries: KeyValue[] = [
    { key: dataKey.userPart(id, 'profile'), value: { ...user } },
    { key: dataKey.userPart(id, 'posts'), value: { items: own } },
    { key: dataKey.userPart(id, 'friends'), value: { items: friendsOf(id, users) } },
  ]
  for (let page = 1; page <= pages; page++) {
    const items = feed.slice((page - 1) * FEED_PAGE_SIZE, page * FEED_PAGE_SIZE)
    entries.push({ key: dataKey.userPart(id, 'feed', page), value: { page, items } })
  }
  return { userId: id, entries, tag: dataKey.userTag(id) }
}

/** Five other users, the same ones every time (pure). */
export function friendsOf(id: number, users: readonly UserRowLite[]): { id: number; name: string }[] {
  const others = users.filter((u) => u.id !== id)
  if (others.length === 0) return []
  const out: { id: number; name: string }[] = []
  for (let k = 1; out.length < Math.min(5, others.length); k++) {
    const u = others[(id * 7 + k * 13) % others.length]!
    if (!out.some((f) => f.id === u.id)) out.push({ id: u.id, name: u.name })
  }
  return out
}

/** How many keys one user owns with `pages` feed pages, its tag set included. */
export function keysPerUser(pages: number): number {
  return 4 + pages
}

/**
 * The feed pages every other user gets so that the room holds about `others` keys besides the chosen
 * user's: each other user's four fixed keys, one key per post, and the rest spread as feed pages (at most
 * as many as there are posts to fill them). Zero means no other keys at all.
 */
export function otherPages(others: number, otherUsers: number, posts: number): number {
  if (others <= 0 || otherUsers <= 0) return 0
  const fixed = otherUsers * keysPerUser(0) + posts
  const maxPages = Math.floor(posts / FEED_PAGE_SIZE)
  return Math.max(0, Math.min(maxPages, Math.round((others - fixed) / otherUsers)))
}

export interface FillPlan {
  /** The user whose keys get their own events. */
  userId: number
  pages: number
  others: number
  ttlMs: number
}

export interface FillResult {
  /** Keys written, tag sets included. */
  keys: number
  userKeys: number
  roundTrips: number
  ms: number
}

/**
 * Writes the plan into the room: the chosen user's keys with `pages` feed pages, and (unless `others` is
 * 0) every other user's keys and every post, each user's keys registered in their tag set. Values come from
 * two SQL queries over the room's rows.
 */
export async function fillRoom(scope: Scope, plan: FillPlan): Promise<FillResult> {
  const started = performance.now()
  const users = await scope.db.select<UserRowLite>(
    'SELECT id, name, email, popular, version FROM users WHERE room = $1 ORDER BY id',
    [],
    'users',
  )
  const posts = await scope.db.select<PostRowLite>(
    'SELECT id, user_id, title, body, likes, version FROM posts WHERE room = $1 ORDER BY id',
    [],
    'posts',
  )
  const chosen = users.find((u) => u.id === plan.userId)
  if (!chosen) throw new Error(`no user ${plan.userId}`)
  const sets: UserKeySet[] = [userKeySet(chosen, users, posts, plan.pages)]
  const pages = otherPages(plan.others, users.length - 1, posts.length)
  const loose: KeyValue[] = []
  if (plan.others > 0) {
    for (const u of users) if (u.id !== plan.userId) sets.push(userKeySet(u, users, posts, pages))
    for (const p of posts) loose.push({ key: dataKey.post(p.id), value: { ...p } })
  }
  const commands = fillCommands(sets, loose)
  let roundTrips = 0
  for (let i = 0; i < commands.length; i += BATCH) {
    await runFillBatch(scope, commands.slice(i, i + BATCH), plan)
    roundTrips += 1
  }
  const keys = sets.reduce((n, s) => n + s.entries.length + 1, 0) + loose.length
  return { keys, userKeys: sets[0]!.entries.length + 1, roundTrips, ms: performance.now() - started }
}

/** One command of the fill: a SET, or a tag set's SADD followed by its PEXPIRE. */
export type FillCommand =
  | { op: 'set'; key: string; json: string; version?: number; owner?: number }
  | { op: 'tag'; key: string; members: string[]; owner: number }

/** The fill's commands in order: each user's keys, then their tag set, then the posts (pure). */
export function fillCommands(sets: readonly UserKeySet[], loose: readonly KeyValue[]): FillCommand[] {
  const out: FillCommand[] = []
  for (const s of sets) {
    for (const e of s.entries)
      out.push({ op: 'set', key: e.key, json: JSON.stringify(e.value), version: e.value.version, owner: s.userId })
    out.push({ op: 'tag', key: s.tag, members: s.entries.map((e) => e.key), owner: s.userId })
  }
  for (const e of loose) out.push({ op: 'set', key: e.key, json: JSON.stringify(e.value), version: e.value.version })
  return out
}

async function runFillBatch(scope: Scope, batch: FillCommand[], plan: FillPlan): Promise<void> {
  const expected = batch.map(
    (c) => [c.key, (c.op === 'set' ? ['set', 'expire'] : ['sadd', 'expire']) as Notification[]] as const,
  )
  const sets = batch.filter((c) => c.op === 'set').length
  await scope.cache.bulk(
    'PIPELINE',
    dataKey.userPart(plan.userId, '*'),
    expected,
    async (redis, full) => {
      const pipeline = redis.pipeline()
      for (const c of batch) {
        if (c.op === 'set') pipeline.set(full(c.key), c.json, 'PX', plan.ttlMs)
        else pipeline.sadd(full(c.key), ...c.members).pexpire(full(c.key), plan.ttlMs)
      }
      return execOrThrow(pipeline)
    },
    {
      detail: () =>
        `${sets} SET${batch.length > sets ? `, ${batch.length - sets} SADD + PEXPIRE` : ''} in one round trip`,
      settle: (replies) => settleFill(batch, replies, plan),
    },
  )
}

/** Which of a batch's writes to show one by one (the chosen user's), and which SADDs added nothing. */
function settleFill(batch: FillCommand[], replies: unknown[], plan: FillPlan): BulkOutcome {
  const outcome: Required<Pick<BulkOutcome, 'set' | 'ops' | 'missed'>> = { set: [], ops: [], missed: [] }
  let r = 0
  for (const c of batch) {
    if (c.op === 'set') {
      if (c.owner === plan.userId) outcome.set.push({ key: c.key, ttlMs: plan.ttlMs, version: c.version })
      r += 1
    } else {
      const added = replies[r] as number
      if (added === 0) outcome.missed.push([c.key, 'sadd'])
      else if (c.owner === plan.userId) outcome.ops.push({ key: c.key, op: 'sadd' })
      r += 2
    }
  }
  return outcome
}

/** Runs a pipeline and returns its replies, throwing the first error any command met. */
export async function execOrThrow(pipeline: { exec(): Promise<[Error | null, unknown][] | null> }): Promise<unknown[]> {
  const replies = (await pipeline.exec()) ?? []
  const failed = replies.find(([err]) => err)
  if (failed) throw failed[0]
  return replies.map(([, v]) => v)
}

/**
 * Removes keys from the room without an event per key (a fill being replaced): EXISTS and UNLINK in one
 * pipeline per thousand keys, recorded as one event per round trip.
 */
export async function removeQuietly(scope: Scope, keys: readonly string[], why: string): Promise<number> {
  let removed = 0
  for (let i = 0; i < keys.length; i += BATCH) {
    const batch = keys.slice(i, i + BATCH)
    const flags = await scope.cache.bulk(
      'UNLINK',
      why,
      batch.map((k) => [k, ['del']] as const),
      async (redis, full) => {
        const pipeline = redis.pipeline()
        for (const k of batch) pipeline.exists(full(k))
        pipeline.unlink(...batch.map(full))
        return (await execOrThrow(pipeline)).slice(0, batch.length) as number[]
      },
      {
        detail: (f) => `${f.filter(Boolean).length} keys in one round trip`,
        settle: (f) => ({ missed: batch.filter((_, j) => !f[j]).map((k) => [k, 'del'] as const) }),
      },
    )
    removed += flags.filter(Boolean).length
  }
  return removed
}
