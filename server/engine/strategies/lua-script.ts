/**
 * A Lua script from server/engine/lua, run by its SHA1 (EVALSHA) and sent in full (EVAL) only when Redis
 * does not have it yet, as after a restart: the usual way, which keeps each call small.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Redis } from 'ioredis'
import { projectFile } from '../../paths'

export interface LuaScript {
  name: string
  source: string
  sha: string
}

export function loadScript(file: string): LuaScript {
  const source = readFileSync(projectFile('server/engine/lua', file), 'utf8')
  return { name: file, source, sha: createHash('sha1').update(source).digest('hex') }
}

export async function runScript<T>(
  redis: Redis,
  script: LuaScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<T> {
  try {
    return (await redis.evalsha(script.sha, keys.length, ...keys, ...args)) as T
  } catch (err) {
    if (!(err as Error).message?.startsWith('NOSCRIPT')) throw err
    return (await redis.eval(script.source, keys.length, ...keys, ...args)) as T
  }
}
