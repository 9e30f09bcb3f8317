/**
 * The engine's Lua scripts, read from the .lua files beside this module (the files the code panel shows).
 * A file is named after what it does and how many keys it takes (`lease-fill-2.lua`: two keys). Each is sent
 * with EVALSHA; a Redis that does not hold it yet (first use, a restart, SCRIPT FLUSH) answers NOSCRIPT and
 * gets the source with EVAL, which also caches it there.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Redis } from 'ioredis'
import { projectFile } from '../../paths'

export interface LuaScript {
  /** The file name without its key count: `lease-fill`. */
  name: string
  /** How many KEYS it takes. */
  keys: number
  source: string
  sha: string
}

export function loadScript(file: string): LuaScript {
  const m = /^(.+)-(\d+)\.lua$/.exec(file)
  if (!m) throw new Error(`Lua script file names end in -<number of keys>.lua: ${file}`)
  const source = readFileSync(projectFile('server/engine/lua', file), 'utf8')
  return { name: m[1]!, keys: Number(m[2]), source, sha: createHash('sha1').update(source).digest('hex') }
}

export const SCRIPTS = {
  versionedFill: loadScript('versioned-fill-2.lua'),
  tombstoneDelete: loadScript('tombstone-delete-2.lua'),
  leaseGet: loadScript('lease-get-2.lua'),
  leaseFill: loadScript('lease-fill-2.lua'),
  leaseInvalidate: loadScript('lease-invalidate-2.lua'),
  lockRelease: loadScript('lock-release-1.lua'),
  stampedeLeaseGet: loadScript('stampede-lease-get-3.lua'),
  stampedeLeaseFill: loadScript('stampede-lease-fill-3.lua'),
  ownerClaim: loadScript('owner-claim-1.lua'),
  ownerRenew: loadScript('owner-renew-1.lua'),
  ownerRelease: loadScript('owner-release-1.lua'),
} as const

/**
 * Runs a script with full Redis keys: EVALSHA, and EVAL if Redis does not have it yet. `T` is the reply's
 * shape as the script's header comment describes it.
 */
export async function runScript<T = unknown>(
  redis: Redis,
  script: LuaScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<T> {
  if (keys.length !== script.keys) throw new Error(`${script.name} takes ${script.keys} keys, got ${keys.length}`)
  try {
    return (await redis.evalsha(script.sha, script.keys, ...keys, ...args)) as T
  } catch (err) {
    if (!/NOSCRIPT/.test((err as Error)?.message ?? '')) throw err
    return (await redis.eval(script.source, script.keys, ...keys, ...args)) as T
  }
}
