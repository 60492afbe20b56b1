--[[
  Extends a lock's TTL if the caller still owns it.

  Input:
    KEYS[1] lock key (keys.sessionLock or keys.sheetFlushLock)
    ARGV[1] owner token
    ARGV[2] TTL in ms

  Output: 1 renewed, 0 not the owner (or expired)
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
