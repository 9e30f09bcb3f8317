-- Fills a value with a lease: stores it (and its stale copy) only while the caller's token is still the
-- lease, then ends the lease so the next miss can get one.
--
-- KEYS[1]  the data key (user:1)
-- KEYS[2]  its lease (lease:user:1)
-- KEYS[3]  the stale copy (stale:user:1)
-- ARGV[1]  the caller's token
-- ARGV[2]  the value
-- ARGV[3]  its TTL in ms
-- ARGV[4]  the stale copy's TTL in ms (longer: it outlives the value)
--
-- Returns {'filled'}, or {'rejected', holder} when the lease is no longer the caller's.

local held = redis.call('GET', KEYS[2])
if held ~= ARGV[1] then
  return {'rejected', held or ''}
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[4])
redis.call('DEL', KEYS[2])
return {'filled'}
