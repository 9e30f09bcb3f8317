--[[
unlink-tagged: invalidates the keys a tag set lists, atomically. It deletes them and takes them out of the
tag set in one step that no other client can interleave with, so a key cached and registered again while
the invalidation runs is either deleted with its registration or kept with it, never kept unregistered.
Members are named by the caller (who read them with SMEMBERS), so a key registered after that read stays
registered, and every key the script touches is declared in KEYS.

KEYS[1]       the tag set
KEYS[2..n+1]  the full names of the keys to invalidate
ARGV[1..n]    the same keys as the tag set names them (its members)

Returns       { members left in the tag set, existed(KEYS[2]), ..., existed(KEYS[n+1]) }
              where existed is 1 if the key was there (and is now unlinked), 0 if it was already gone.
              When no member is left, Redis removes the empty tag set itself.
]]
local result = { 0 }
for i = 2, #KEYS do
  result[i] = redis.call('UNLINK', KEYS[i])
end
-- SREM in slices: unpack() of thousands of arguments would overflow Lua's stack.
for i = 1, #ARGV, 500 do
  redis.call('SREM', KEYS[1], unpack(ARGV, i, math.min(i + 499, #ARGV)))
end
result[1] = redis.call('SCARD', KEYS[1])
return result
