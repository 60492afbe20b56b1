--[[
  Removes patches Google acknowledged from a tab's write-behind queue.

  Input:
    KEYS[1] the tab's queue stream (keys.sheetQueue(tabTag))
    KEYS[2] the tab's attempts hash (keys.sheetQueueAttempts(tabTag))
    ARGV[1..n] stream entry ids

  Output:
    { removed, remaining }: entries deleted now (an id already gone counts 0), entries left in the queue
]]
local removed = 0
for i = 1, #ARGV do
  removed = removed + redis.call('XDEL', KEYS[1], ARGV[i])
  redis.call('HDEL', KEYS[2], ARGV[i])
end
local remaining = redis.call('XLEN', KEYS[1])
if remaining == 0 then
  redis.call('DEL', KEYS[2])
end
return { removed, remaining }
