--[[
  Removes patches Google acknowledged from a tab's write-behind queue: one XDEL and one XLEN for the whole
  batch, then one HDEL of their attempt counts (or one DEL of the attempts hash once the queue is empty), so
  an ack costs the same few commands whatever the batch size (it was two per patch).

  Input:
    KEYS[1] the tab's queue stream (keys.sheetQueue(tabTag))
    KEYS[2] the tab's attempts hash (keys.sheetQueueAttempts(tabTag))
    ARGV[1..n] stream entry ids

  Output:
    { removed, remaining }: entries deleted now (an id already gone counts 0), entries left in the queue
]]
local removed = 0
-- unpack() is bounded by Lua's stack: ids go in chunks.
local CHUNK = 1000
for i = 1, #ARGV, CHUNK do
  removed = removed + redis.call('XDEL', KEYS[1], unpack(ARGV, i, math.min(i + CHUNK - 1, #ARGV)))
end
local remaining = redis.call('XLEN', KEYS[1])
if remaining == 0 then
  redis.call('DEL', KEYS[2])
else
  for i = 1, #ARGV, CHUNK do
    redis.call('HDEL', KEYS[2], unpack(ARGV, i, math.min(i + CHUNK - 1, #ARGV)))
  end
end
return { removed, remaining }
