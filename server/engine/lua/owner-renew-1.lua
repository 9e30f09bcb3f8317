-- Keeps a room ours: extends the owner key's TTL if we hold it, takes it back if it lapsed meanwhile (Redis
-- was away longer than the TTL, or restarted empty), and leaves it alone if another instance holds it now.
--
-- KEYS[1]  the room's owner key (lab:<room>:owner)
-- ARGV[1]  our instance id
-- ARGV[2]  ownership TTL, ms
--
-- Returns 1 if the room is ours (renewed or taken back), 0 if another instance owns it: the caller must stop
-- running it.

local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
