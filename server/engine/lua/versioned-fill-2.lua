-- Version-checked fill: stores a row read from the database only if it is newer than what the cache holds
-- and not older than the tombstone a writer's delete left. A reader that read the row before a write cannot
-- put it back after the write's delete.
--
-- KEYS[1]  the data key (user:1)
-- KEYS[2]  its tombstone (tomb:user:1), left by tombstone-delete-2.lua
-- ARGV[1]  the value to store: JSON with a numeric `version`
-- ARGV[2]  that version
-- ARGV[3]  TTL of the value in ms
--
-- Returns {'stored'}, or {'refused', 'tombstone', v} when a delete of version v came after the row was read,
-- or {'refused', 'cached', v} when the cache already holds version v, as new or newer.
-- The same rule in TypeScript: fillVerdict in server/engine/strategies/versioned-fill.ts.

local function version_of(raw)
  if not raw then return nil end
  local ok, value = pcall(cjson.decode, raw)
  if ok and type(value) == 'table' and type(value.version) == 'number' then return value.version end
  return nil
end

local incoming = tonumber(ARGV[2])
local tombstone = version_of(redis.call('GET', KEYS[2]))
if tombstone and incoming < tombstone then
  return {'refused', 'tombstone', tombstone}
end
local cached = version_of(redis.call('GET', KEYS[1]))
if cached and incoming <= cached then
  return {'refused', 'cached', cached}
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return {'stored'}
