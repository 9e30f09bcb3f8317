-- A read with leases against a stampede (as memcache does it): GET the value; on a miss, the first reader in
-- a lease interval gets a lease (the right to load and fill); the others are told to wait, or handed the
-- stale copy of the value if there is one and the caller accepts it.
--
-- KEYS[1]  the data key (user:1)
-- KEYS[2]  its lease (lease:user:1)
-- KEYS[3]  the stale copy kept past the value's TTL (stale:user:1)
-- ARGV[1]  the token to hand out if no lease is held
-- ARGV[2]  how long a lease lives, in ms: one lease per key per interval, and a holder that dies blocks
--          the key for this long at most
-- ARGV[3]  '1' if the caller takes a stale value instead of waiting
--
-- Returns {'hit', value}, {'lease', token}, {'stale', value} or {'wait', holder}.

local value = redis.call('GET', KEYS[1])
if value then
  return {'hit', value}
end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {'lease', ARGV[1]}
end
if ARGV[3] == '1' then
  local stale = redis.call('GET', KEYS[3])
  if stale then
    return {'stale', stale}
  end
end
return {'wait', redis.call('GET', KEYS[2]) or ''}
