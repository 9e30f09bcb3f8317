-- A fill with a lease: a compare-and-set that stores the value only while the caller's token is still the
-- lease in Redis, then ends the lease. A delete since the lease was granted removed the token, so a fill of
-- a row read before that write is rejected.
--
-- KEYS[1]  the data key (user:1)
-- KEYS[2]  its lease (lease:user:1)
-- ARGV[1]  the caller's token, from lease-get-2.lua
-- ARGV[2]  the value to store
-- ARGV[3]  TTL of the value in ms
--
-- Returns {'filled'}, or {'rejected', holder} where holder is the lease held now ('' if none).
-- The same rule in TypeScript: canFill in server/engine/strategies/leases.ts.

local held = redis.call('GET', KEYS[2])
if held ~= ARGV[1] then
  return {'rejected', held or ''}
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('DEL', KEYS[2])
return {'filled'}
