/**
 * Tables. Every row belongs to a room, so rooms never see each other's data and a room's rows can be
 * deleted in one statement per table. `version` goes up by one on every update: the consistency oracle
 * compares it with the version a cached value carries.
 */
import type { Queryable } from './database'

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  room text NOT NULL,
  id integer NOT NULL,
  name text NOT NULL,
  email text NOT NULL,
  popular boolean NOT NULL DEFAULT false,
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (room, id)
);
CREATE TABLE IF NOT EXISTS posts (
  room text NOT NULL,
  id integer NOT NULL,
  user_id integer NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  trending boolean NOT NULL DEFAULT false,
  likes integer NOT NULL DEFAULT 0,
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (room, id)
);
CREATE INDEX IF NOT EXISTS posts_by_user ON posts (room, user_id);
CREATE TABLE IF NOT EXISTS app_config (
  room text NOT NULL,
  key text NOT NULL,
  value text NOT NULL,
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (room, key)
);
`

export const TABLES = ['users', 'posts', 'app_config'] as const

export async function migrate(db: Queryable): Promise<void> {
  for (const statement of SCHEMA.split(';').map((s) => s.trim()).filter(Boolean)) await db.query(statement)
}
