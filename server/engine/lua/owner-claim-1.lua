-- Claims a room's ownership for this instance, in one step: taken if nobody holds it, if we already do (a
-- restarted process with the same instance id takes its rooms back at once), or if it is held by the owner
-- the caller found dead (its liveness heartbeat gone). A live owner's room is never taken: the caller only
-- names an owner as dead after checking its heartbeat, and the compare here makes sure the owner is still
-- that one (not one that claimed the room in between).
--
-- KEYS[1]  the room's owner key (lab:<room>:owner)
-- ARGV[1]  our instance id
-- ARGV[2]  ownership TTL, ms
-- ARGV[3]  the owner the caller found dead, or '' for none
--
-- Returns the owner after the call: ARGV[1] if the room is now ours, another instance's id otherwise.

local current = redis.call('GET', KEYS[1])
if not current or current == ARGV[1] or (ARGV[3] ~= '' and current == ARGV[3]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return ARGV[1]
end
return current
