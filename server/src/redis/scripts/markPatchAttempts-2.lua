--[[
  Records one failed write attempt for queued patches (metrics and give-up decisions).

  Input:
    KEYS[1] the tab's queue stream (keys.sheetQueue(tabTag))
    KEYS[2] the tab's attempts hash (keys.sheetQueueAttempts(tabTag))
    ARGV[1] now (epoch ms)
    ARGV[2..n] stream entry ids

  Output:
    number of entries counted (ids no longer queued, e.g. acked meanwhile, are ignored)
]]
local counted = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  if #redis.call('XRANGE', KEYS[1], id, id) > 0 then
    redis.call('HINCRBY', KEYS[2], id, 1)
    counted = counted + 1
  end
end
if counted > 0 then
  redis.call('HSET', KEYS[2], 'lastAttemptAt', ARGV[1])
end
return counted
