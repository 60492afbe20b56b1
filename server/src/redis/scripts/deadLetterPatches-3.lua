--[[
  Moves patches the flusher must not write (their lead's RowID is gone or ambiguous, their tab was deleted,
  or Google keeps rejecting them) from a tab's queue to its dead-letter stream, for a human to look at.

  Input:
    KEYS[1] the tab's queue stream (keys.sheetQueue(tabTag))
    KEYS[2] the tab's attempts hash (keys.sheetQueueAttempts(tabTag))
    KEYS[3] the tab's dead-letter stream (keys.sheetDeadLetters(tabTag))
    ARGV[1] now (epoch ms)
    ARGV[2] reason (short text, no phone numbers)
    ARGV[3] dead-letter stream max length (approximate trim)
    ARGV[4..n] stream entry ids

  Output:
    number of entries moved (ids no longer queued are ignored)
]]
local moved = 0
for i = 4, #ARGV do
  local id = ARGV[i]
  local entries = redis.call('XRANGE', KEYS[1], id, id)
  if #entries > 0 then
    local fields = entries[1][2]
    local patch, at = '', ''
    for j = 1, #fields, 2 do
      if fields[j] == 'patch' then patch = fields[j + 1] elseif fields[j] == 'at' then at = fields[j + 1] end
    end
    local attempts = redis.call('HGET', KEYS[2], id) or '0'
    redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'patch', patch, 'at', at, 'queueId', id,
      'attempts', attempts, 'reason', ARGV[2], 'deadAt', ARGV[1])
    redis.call('XDEL', KEYS[1], id)
    redis.call('HDEL', KEYS[2], id)
    moved = moved + 1
  end
end
return moved
