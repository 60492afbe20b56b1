--[[
  Removes patches Google acknowledged from a tab's write-behind queue: one XDEL for the whole entries of the
  batch and one XLEN, then one HDEL of their attempt counts (or one DEL of the side hash once the queue is
  empty), so an ack costs the same few commands whatever the batch size (it was two per patch). A patch of
  a several-patch entry whose other patches are not all done yet is recorded as done (includes/queueEntry):
  the entry leaves the stream with its last patch.

  Input:
    KEYS[1] the tab's queue stream (keys.sheetQueue(tabTag))
    KEYS[2] the tab's side hash: attempt counts and done parts (keys.sheetQueueAttempts(tabTag))
    ARGV[1..n] `<streamId>` (a whole entry) or `<streamId>#<i>` (patch i of a several-patch entry)

  Output:
    { removed, remaining }: entries deleted now (an id already gone counts 0), entries left in the queue
]]
--- @include "queueEntry"
local removed = 0
local whole, parts, order = {}, {}, {}
for i = 1, #ARGV do
  local sid, part = queueRef(ARGV[i])
  if part == nil then
    whole[#whole + 1] = sid
  else
    if not parts[sid] then
      parts[sid] = {}
      order[#order + 1] = sid
    end
    parts[sid][#parts[sid] + 1] = part
  end
end
for _, sid in ipairs(order) do
  local fields = queueEntry(KEYS[1], sid)
  if fields then
    local count = queueEntryCount(fields)
    local done = queueEntryDone(KEYS[2], sid)
    for _, p in ipairs(parts[sid]) do done[p] = true end
    if queueEntryFinish(KEYS[1], KEYS[2], sid, done, count) then removed = removed + 1 end
  else
    redis.call('HDEL', KEYS[2], 'done:' .. sid)
  end
end
-- unpack() is bounded by Lua's stack: ids go in chunks.
local CHUNK = 1000
for i = 1, #whole, CHUNK do
  removed = removed + redis.call('XDEL', KEYS[1], unpack(whole, i, math.min(i + CHUNK - 1, #whole)))
end
local remaining = redis.call('XLEN', KEYS[1])
if remaining == 0 then
  redis.call('DEL', KEYS[2])
else
  local fields = {}
  for _, sid in ipairs(whole) do
    fields[#fields + 1] = sid
    fields[#fields + 1] = 'done:' .. sid
  end
  for i = 1, #fields, CHUNK do
    redis.call('HDEL', KEYS[2], unpack(fields, i, math.min(i + CHUNK - 1, #fields)))
  end
end
return { removed, remaining }
