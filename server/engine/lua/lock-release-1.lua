-- Releases a lock only if it is still ours: compare the token, then delete, in one step. A plain DEL could
-- delete a lock that expired while we held it and that another request has taken since.
--
-- KEYS[1]  the lock (lock:user:1)
-- ARGV[1]  our owner token
--
-- Returns 1 if the lock was ours and is now deleted, 0 if it was gone or someone else's (left alone).

if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
