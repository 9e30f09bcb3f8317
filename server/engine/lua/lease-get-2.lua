-- A read that hands out a lease on a miss (as memcache does): GET the value; if it is not there, the first
-- caller gets a lease token and the right to fill; callers while the lease is held are told to wait.
--
-- KEYS[1]  the data key (user:1)
-- KEYS[2]  its lease (lease:user:1)
-- ARGV[1]  the token to hand out if the lease is free
-- ARGV[2]  how long the lease lives, in ms (a holder that dies does not block the key for ever)
--
-- Returns {'hit', value}, {'lease', token} (granted: this caller reads the database and fills), or
-- {'wait', holder} (denied: another caller is filling).

local value = redis.call('GET', KEYS[1])
if value then
  return {'hit', value}
end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {'lease', ARGV[1]}
end
return {'wait', redis.call('GET', KEYS[2]) or ''}
