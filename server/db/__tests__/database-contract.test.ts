/**
 * The Database contract, run against both adapters: a private PGlite copy and the PostgreSQL server. The
 * engine and the labs only see the Database interface, so whatever one adapter does, the other must too.
 *
 * Rooms here have a metadata key in Redis while a test runs: an app starting in a parallel test process
 * sweeps rows of rooms without one (Rooms.sweepOrphans), and must not take ours.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import type { EventInput } from '../../../lib/events'
import { LIMITS } from '../../../lib/limits'
import { RoomMetrics } from '../../engine/metrics'
import { RoomFaults } from '../../engine/faults'
import { Oracle } from '../../engine/oracle'
import { RoomDb } from '../../engine/room-db'
import { LabError } from '../../engine/errors'
import { brief } from '../../test-support/events'
import { postgresUrl } from '../../test-support/env'
import { openPrivatePglite } from '../../test-support/pglite'
import { claimRoom, useRedis } from '../../test-support/redis'
import type { Database } from '../database'
import { openDatabase } from '../open'
import { migrate, TABLES } from '../schema'
import { CONFIG_ROWS, deleteRoomRows, roomsWithRows, seedRoom } from '../seed'

const redis = useRedis('guard')

async function counts(db: Database, room: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const table of TABLES) {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE room = $1`, [room])
    out[table] = rows[0]!.n
  }
  return out
}

const SEEDED = {
  users: LIMITS.usersPerRoom,
  posts: LIMITS.usersPerRoom * LIMITS.postsPerUser,
  app_config: Object.keys(CONFIG_ROWS).length,
  outbox: 0,
}

describe.each(['pglite', 'postgres'] as const)('Database contract: %s', (kind) => {
  let db: Database
  let close: () => Promise<void>

  beforeAll(async () => {
    if (kind === 'pglite') {
      const p = await openPrivatePglite()
      db = p.db
      close = p.close
    } else {
      db = await openDatabase({ databaseUrl: postgresUrl() })
      close = () => db.close()
    }
  })
  afterAll(async () => {
    await close?.()
  })

  /** A seeded room whose rows are deleted when the test finishes. */
  async function seededRoom(): Promise<string> {
    const { id } = await claimRoom(redis.guard)
    onTestFinished(() => deleteRoomRows(db, id))
    await seedRoom(db, id)
    return id
  }

  function roomDb(room: string, latencyMs = 0) {
    const events: EventInput[] = []
    const metrics = new RoomMetrics()
    const oracle = new Oracle()
    const rdb = new RoomDb(
      {
        db,
        room,
        metrics,
        oracle,
        faults: new RoomFaults(() => {}),
        latency: () => ({ ms: latencyMs, jitterMs: 0 }),
        record: (e) => void events.push(e),
      },
      { req: 'rtest' },
    )
    return { rdb, events, metrics, oracle }
  }

  it(`is the ${kind} adapter`, () => {
    expect(db.kind).toBe(kind)
  })

  it('migrates idempotently to the four tables with their columns', async () => {
    await migrate(db)
    await migrate(db)
    const { rows } = await db.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = ANY($1::text[]) ORDER BY table_name, ordinal_position`,
      [[...TABLES]],
    )
    const columns: Record<string, string[]> = {}
    for (const r of rows) (columns[r.table_name] ??= []).push(r.column_name)
    expect(columns).toEqual({
      app_config: ['room', 'key', 'value', 'version', 'updated_at'],
      outbox: ['room', 'id', 'key', 'version', 'written_at', 'relayed_at'],
      posts: ['room', 'id', 'user_id', 'title', 'body', 'trending', 'likes', 'version', 'updated_at'],
      users: ['room', 'id', 'name', 'email', 'popular', 'version', 'updated_at'],
    })
  })

  it('seeds a room with 100 users, 500 posts and 5 config rows, all at version 1', async () => {
    const room = await seededRoom()
    expect(await counts(db, room)).toEqual({ users: 100, posts: 500, app_config: 5, outbox: 0 })
    expect(SEEDED).toEqual({ users: 100, posts: 500, app_config: 5, outbox: 0 })
    const { rows: users } = await db.query<{ min: number; max: number; versions: number; popular: number }>(
      `SELECT min(id)::int AS min, max(id)::int AS max, count(DISTINCT version)::int AS versions,
              count(*) FILTER (WHERE popular)::int AS popular FROM users WHERE room = $1`,
      [room],
    )
    expect(users[0]).toEqual({ min: 1, max: 100, versions: 1, popular: 10 })
    const { rows: one } = await db.query<{ name: string; email: string; version: number }>(
      'SELECT name, email, version FROM users WHERE room = $1 AND id = 1',
      [room],
    )
    expect(one[0]).toEqual({ name: 'Ada Lovelace', email: 'user1@example.com', version: 1 })
    const { rows: posts } = await db.query<{ bad: number }>(
      'SELECT count(*)::int AS bad FROM posts WHERE room = $1 AND (user_id < 1 OR user_id > 100)',
      [room],
    )
    expect(posts[0]!.bad).toBe(0)
    const { rows: config } = await db.query<{ key: string; value: string }>(
      'SELECT key, value FROM app_config WHERE room = $1 ORDER BY key',
      [room],
    )
    expect(Object.fromEntries(config.map((c) => [c.key, c.value]))).toEqual(CONFIG_ROWS)
  })

  it('keeps rooms apart: writes and deletes in one room leave another untouched', async () => {
    const a = await seededRoom()
    const b = await seededRoom()
    await db.query("UPDATE users SET name = 'changed', version = version + 1 WHERE room = $1 AND id = 1", [a])
    const names = await db.query<{ room: string; name: string; version: number }>(
      'SELECT room, name, version FROM users WHERE id = 1 AND room = ANY($1::text[]) ORDER BY room = $2 DESC',
      [[a, b], a],
    )
    expect(names.rows.map((r) => [r.room, r.name, r.version])).toEqual([
      [a, 'changed', 2],
      [b, 'Ada Lovelace', 1],
    ])
    expect(await roomsWithRows(db)).toEqual(expect.arrayContaining([a, b]))
    await deleteRoomRows(db, a)
    expect(await counts(db, a)).toEqual({ users: 0, posts: 0, app_config: 0, outbox: 0 })
    expect(await counts(db, b)).toEqual(SEEDED)
    expect(await roomsWithRows(db)).not.toContain(a)
  })

  it('reseeding restores a room to the seed data', async () => {
    const room = await seededRoom()
    await db.query("UPDATE users SET name = 'x', version = 9 WHERE room = $1", [room])
    await db.query('DELETE FROM posts WHERE room = $1 AND id > 10', [room])
    await seedRoom(db, room)
    expect(await counts(db, room)).toEqual(SEEDED)
    const { rows } = await db.query<{ v: number }>('SELECT max(version)::int AS v FROM users WHERE room = $1', [room])
    expect(rows[0]!.v).toBe(1)
  })

  it('reads and updates a user through RoomDb: each update bumps the version, each step is one event', async () => {
    const room = await seededRoom()
    const { rdb, events, metrics, oracle } = roomDb(room)
    const before = await rdb.getUser(1)
    const first = await rdb.updateUser(1, 'Renamed once')
    const second = await rdb.updateUser(1, 'Renamed twice')
    const after = await rdb.getUser(1)
    expect([before?.version, first?.version, second?.version, after?.version]).toEqual([1, 2, 3, 3])
    expect(after).toMatchObject({ id: 1, name: 'Renamed twice', email: 'user1@example.com', popular: true })
    expect(events.map(brief)).toEqual([
      ['db', 'query', 'user:1'],
      ['db', 'update', 'user:1'],
      ['db', 'update', 'user:1'],
      ['db', 'query', 'user:1'],
    ])
    expect(events.map((e) => (e.data as { version?: number }).version)).toEqual([1, 2, 3, 3])
    expect(events.every((e) => e.req === 'rtest')).toBe(true)
    expect(oracle.truth('user:1')).toBe(3)
    expect([metrics.dbInFlight, metrics.dbInFlightPeak]).toEqual([0, 1])
  })

  it('a user that does not exist reads as undefined and updates nothing', async () => {
    const room = await seededRoom()
    const { rdb, events, oracle } = roomDb(room)
    expect(await rdb.getUser(999)).toBeUndefined()
    expect(await rdb.updateUser(999, 'nobody')).toBeUndefined()
    expect(events.map(brief)).toEqual([
      ['db', 'query', 'user:999'],
      ['db', 'update', 'user:999'],
    ])
    expect(oracle.truth('user:999')).toBeUndefined()
  })

  it('concurrent updates of one row lose none: the versions run 2 … 21', async () => {
    const room = await seededRoom()
    const { rdb } = roomDb(room)
    const rows = await Promise.all(Array.from({ length: 20 }, (_, i) => rdb.updateUser(2, `n${i}`)))
    expect(rows.map((r) => r!.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2))
    expect((await rdb.getUser(2))!.version).toBe(21)
  })

  it('counts its artificial latency in the recorded duration', async () => {
    const room = await seededRoom()
    const { rdb, events } = roomDb(room, 60)
    await rdb.getUser(3)
    const query = events.find((e) => e.kind === 'query')
    expect(query?.kind === 'query' && query.data.ms).toBeGreaterThanOrEqual(60)
  })

  // Regression guard (F1 in /tmp/test-findings.md): the PGlite adapter reported rowCount 0 for every SELECT,
  // taking PGlite's affectedRows (0 for a SELECT) for the rows returned; fixed in 8706269.
  it('rowCount is the number of rows a SELECT returns or a write changed', async () => {
    const room = await seededRoom()
    const select = await db.query('SELECT id FROM users WHERE room = $1 AND id <= 3', [room])
    expect([select.rows.length, select.rowCount]).toEqual([3, 3])
    const empty = await db.query('SELECT id FROM users WHERE room = $1 AND id > 1000', [room])
    expect([empty.rows.length, empty.rowCount]).toEqual([0, 0])
    const update = await db.query('UPDATE users SET popular = true WHERE room = $1 AND id BETWEEN 11 AND 14', [room])
    expect([update.rows.length, update.rowCount]).toEqual([0, 4])
    const returning = await db.query('UPDATE users SET popular = false WHERE room = $1 AND id <= 2 RETURNING id', [
      room,
    ])
    expect([returning.rows.length, returning.rowCount]).toEqual([2, 2])
    const { rdb, events } = roomDb(room)
    await rdb.getUser(5)
    expect(events.map((e) => [e.kind, (e.data as { rows?: number }).rows])).toEqual([['query', 1]])
  })

  it('commits a transaction that resolves and returns its value', async () => {
    const room = await seededRoom()
    const result = await db.transaction(async (tx) => {
      await tx.query("UPDATE users SET name = 'in tx', version = version + 1 WHERE room = $1 AND id = 4", [room])
      const { rows } = await tx.query<{ name: string }>('SELECT name FROM users WHERE room = $1 AND id = 4', [room])
      return rows[0]!.name
    })
    expect(result).toBe('in tx')
    const { rows } = await db.query<{ name: string; version: number }>(
      'SELECT name, version FROM users WHERE room = $1 AND id = 4',
      [room],
    )
    expect(rows[0]).toEqual({ name: 'in tx', version: 2 })
  })

  it('rolls a transaction back when it throws, and rethrows the error', async () => {
    const room = await seededRoom()
    const read = () =>
      db.query<{ name: string; version: number }>('SELECT name, version FROM users WHERE room = $1 AND id = 5', [room])
    const before = (await read()).rows[0]
    const boom = new Error('boom')
    await expect(
      db.transaction(async (tx) => {
        await tx.query("UPDATE users SET name = 'lost', version = version + 1 WHERE room = $1 AND id = 5", [room])
        await tx.query('DELETE FROM posts WHERE room = $1', [room])
        throw boom
      }),
    ).rejects.toBe(boom)
    const after = (await read()).rows[0]
    expect(before).toMatchObject({ version: 1 })
    expect(after).toEqual(before)
    expect(await counts(db, room)).toEqual(SEEDED)
  })

  it('rejects bad SQL and stays usable, in and out of transactions', async () => {
    await expect(db.query('SELECT * FROM no_such_table')).rejects.toThrow(/no_such_table/)
    await expect(db.transaction((tx) => tx.query('SELEC 1'))).rejects.toThrow()
    const { rows } = await db.query<{ one: number }>('SELECT 1 AS one')
    expect(rows).toEqual([{ one: 1 }])
  })

  it('RoomDb records a failed statement as db-error and throws E_DB_UNAVAILABLE', async () => {
    const room = await seededRoom()
    const events: EventInput[] = []
    const metrics = new RoomMetrics()
    const failing: Database = { ...db, query: () => Promise.reject(new Error('connection lost')) }
    const rdb = new RoomDb(
      {
        db: failing,
        room,
        metrics,
        oracle: new Oracle(),
        faults: new RoomFaults(() => {}),
        latency: () => ({ ms: 0, jitterMs: 0 }),
        record: (e) => void events.push(e),
      },
      { req: 'rfail' },
    )
    const err = await rdb.getUser(1).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(LabError)
    expect((err as LabError).code).toBe('E_DB_UNAVAILABLE')
    expect(events.map(brief)).toEqual([['db', 'db-error', 'user:1']])
    expect(events[0]!.data).toMatchObject({ message: 'connection lost' })
    expect(metrics.dbInFlight).toBe(0)
  })
})
