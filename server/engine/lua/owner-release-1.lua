-- Hands a room back when this instance stops, so another can take it over at once: deletes the owner key
-- only if it is still ours (another instance may have taken the room over since).
--
-- KEYS[1]  the room's owner key (lab:<room>:owner)
-- ARGV[1]  our instance id
--
-- Returns 1 if the key was ours and is now deleted, 0 if it was gone or another instance's (left alone).

if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
