--[[
  Releases the per-spreadsheet flush lock, only if the caller still owns it (a lock that expired and was
  taken by another coordinator instance is left alone).

  Input:
    KEYS[1] the lock (keys.sheetFlushLock(spreadsheetId))
    ARGV[1] owner token

  Output:
    1 released, 0 not the owner (or already expired)
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
