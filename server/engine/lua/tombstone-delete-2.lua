-- A writer's invalidation for version-checked fills: deletes the cached value and leaves a short-lived
-- tombstone carrying the version just written, so a fill of an older row is refused after the delete. The
-- tombstone never goes down: a late delete of an older write keeps the newer version.
--
-- KEYS[1]  the data key (user:1)
-- KEYS[2]  its tombstone (tomb:user:1)
-- ARGV[1]  the version the writer committed
-- ARGV[2]  how long the tombstone lives, in ms (at least as long as the slowest read-to-fill)
--
-- Returns {deleted, v}: deleted is 1 if a value was cached, v the version the tombstone now carries.
-- The same rule in TypeScript: tombstoneVersion in server/engine/strategies/versioned-fill.ts.

local function version_of(raw)
  if not raw then return nil end
  local ok, value = pcall(cjson.decode, raw)
  if ok and type(value) == 'table' and type(value.version) == 'number' then return value.version end
  return nil
end

local written = tonumber(ARGV[1])
local deleted = redis.call('DEL', KEYS[1])
local previous = version_of(redis.call('GET', KEYS[2]))
local keep = written
if previous and previous > written then keep = previous end
redis.call('SET', KEYS[2], string.format('{"version":%d,"tombstone":true}', keep), 'PX', ARGV[2])
return {deleted, keep}
