--[[
  Releases a lock only for its owner (compare-and-delete).

  Input:
    KEYS[1] lock key (keys.sessionLock or keys.sheetFlushLock)
    ARGV[1] owner token

  Output: 1 released, 0 not the owner (or already expired)
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
