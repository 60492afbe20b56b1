--[[
  Upgrading the open calls' deadlines to the lead index's timeout band (includes/callTimeouts): moves every
  member of the tab's timeouts ZSET of the layout before (a session id, or a call id: two layouts back)
  into the band, same deadline, and empties the old key. A member the band already has keeps its score
  there (NX: a dial of this version filed it, for the session's current call). Nothing writes the old key
  any more; the sweeper runs this once per tab until a run finds it empty (store dueCalls).
  Input:
    KEYS[1] the old timeouts ZSET (keys.legacyCallTimeouts)
    KEYS[2] the tab's lead index (keys.callTimeoutIndex)
  Output: how many members were moved (0: the old key is empty, or gone)
]]
--- @include "callTimeouts"
local moved = 0
while true do
  local m = redis.call('ZRANGE', KEYS[1], 0, 199, 'WITHSCORES')
  if #m == 0 then break end
  local add, names = { 'NX' }, {}
  for i = 1, #m, 2 do
    add[#add + 1] = timeoutScore(m[i + 1])
    add[#add + 1] = timeoutMember(m[i])
    names[#names + 1] = m[i]
  end
  redis.call('ZADD', KEYS[2], unpack(add))
  redis.call('ZREM', KEYS[1], unpack(names))
  moved = moved + #names
end
return moved
