-- A writer's invalidation with leases: deletes the cached value and any lease outstanding on it, in one
-- step, so a reader granted a lease before this write can no longer fill.
--
-- KEYS[1]  the data key (user:1)
-- KEYS[2]  its lease (lease:user:1)
--
-- Returns {deleted, token}: deleted is 1 if a value was cached; token the lease revoked ('' if none was out).

local token = redis.call('GET', KEYS[2])
local deleted = redis.call('DEL', KEYS[1])
if token then
  redis.call('DEL', KEYS[2])
end
return {deleted, token or ''}
