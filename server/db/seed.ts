/** A room's rows: seeded when the room is made (and on reset), deleted when it is cleaned up. */
import { LIMITS } from '../../lib/limits'
import type { Database, Queryable } from './database'
import { TABLES } from './schema'

const FIRST = ['Ada', 'Grace', 'Alan', 'Barbara', 'Edsger', 'Frances', 'Donald', 'Margaret', 'Ken', 'Radia']
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Liskov', 'Dijkstra', 'Allen', 'Knuth', 'Hamilton', 'Thompson', 'Perlman']

export const CONFIG_ROWS: Record<string, string> = {
  feature_flags: '{"newFeed":true,"darkMode":true}',
  rate_limits: '{"perMinute":600}',
  currency: '"EUR"',
  maintenance_banner: '""',
  search_weights: '{"title":3,"body":1}',
}

/** Replaces the room's rows with the seed data, in one transaction. */
export async function seedRoom(db: Database, room: string): Promise<void> {
  await db.transaction(async (tx) => {
    await deleteRows(tx, room)
    await tx.query(
      `INSERT INTO users (room, id, name, email, popular)
       SELECT $1, i,
              ($2::text[])[1 + (i - 1) % 10] || ' ' || ($3::text[])[1 + ((i - 1) / 10) % 10],
              'user' || i || '@example.com',
              i <= 10
       FROM generate_series(1, $4::int) AS i`,
      [room, FIRST, LAST, LIMITS.usersPerRoom],
    )
    await tx.query(
      `INSERT INTO posts (room, id, user_id, title, body, trending, likes)
       SELECT $1, i, 1 + (i - 1) % $2::int, 'Post ' || i, 'Body of post ' || i, i % 17 = 0, (i * 37) % 500
       FROM generate_series(1, $3::int) AS i`,
      [room, LIMITS.usersPerRoom, LIMITS.usersPerRoom * LIMITS.postsPerUser],
    )
    await tx.query(
      `INSERT INTO app_config (room, key, value) SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS c(k, v)`,
      [room, Object.keys(CONFIG_ROWS), Object.values(CONFIG_ROWS)],
    )
  })
}

/** Everything of a room's in the database: its data and, for a classroom's room, the classroom mark. */
export async function deleteRoomRows(db: Database, room: string): Promise<void> {
  await db.transaction(async (tx) => {
    await deleteRows(tx, room)
    await tx.query('DELETE FROM classrooms WHERE room = $1', [room])
  })
}

async function deleteRows(tx: Queryable, room: string): Promise<void> {
  for (const table of TABLES) await tx.query(`DELETE FROM ${table} WHERE room = $1`, [room])
}

/** Rooms that have rows, for the sweep that removes rows of rooms that no longer exist. */
export async function roomsWithRows(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ room: string }>('SELECT DISTINCT room FROM users')
  return rows.map((r) => r.room)
}
