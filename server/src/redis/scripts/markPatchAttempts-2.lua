--[[
  Records one failed write attempt for queued patches (metrics and give-up decisions). The hash expires
  7 days after the last failure counted: an ack that finds none of its patches counted is a bare XDEL
  (redis-patch-queue.ts ack), so a field this script wrote may outlive its patch (lastAttemptAt once the
  counted patches are acked while others wait; a count another flusher added between a peek and its ack);
  the expiry bounds that leftover.

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
  redis.call('PEXPIRE', KEYS[2], 7 * 24 * 3600 * 1000)
end
return counted
