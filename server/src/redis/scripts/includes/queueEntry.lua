--[[
  A sheet-queue entry and its patches, for the scripts that take patches off the queue (ackPatches,
  deadLetterPatches). The layout (includes/enqueuePatch, server/src/queue/queue-entry.ts): one patch as
  `patch`, several as `patches` (a JSON array), `at`. The flusher names a patch by `<streamId>` (a
  single-patch entry, or a whole entry) or `<streamId>#<i>` (patch i of a several-patch entry); the patches
  of an entry already landed or dead-lettered are listed in the tab's side hash (the attempts hash) under
  `done:<streamId>`, and the entry leaves the stream once every patch of it is done.

  queueRef(ref) -> streamId, part index (a number, or nil for a whole entry)
  queueEntry(queueKey, streamId) -> the entry's fields as a table, or nil when it left the stream
  queueEntryCount(fields) -> how many patches the entry holds
  queueEntryDone(sideKey, streamId) -> the set of part indexes already done (index -> true)
  queueEntryFinish(queueKey, sideKey, streamId, done, count) -> true when every patch is done: the entry is
    deleted with its side fields; else the done list is saved (the side hash kept 7 days, as the counts)
]]
local function queueRef(ref)
  local sid, part = string.match(ref, '^([^#]+)#(%d+)$')
  if sid then return sid, tonumber(part) end
  return ref, nil
end

local function queueEntry(queueKey, sid)
  local e = redis.call('XRANGE', queueKey, sid, sid)
  if #e == 0 then return nil end
  local fields, out = e[1][2], {}
  for j = 1, #fields, 2 do out[fields[j]] = fields[j + 1] end
  return out
end

local function queueEntryCount(fields)
  if fields.patches and not fields.patch then
    local ok, list = pcall(cjson.decode, fields.patches)
    if ok and type(list) == 'table' then return #list end
  end
  return 1
end

local function queueEntryDone(sideKey, sid)
  local done = {}
  for s in string.gmatch(redis.call('HGET', sideKey, 'done:' .. sid) or '', '%d+') do done[tonumber(s)] = true end
  return done
end

local function queueEntryFinish(queueKey, sideKey, sid, done, count)
  local list = {}
  for i = 0, count - 1 do
    if done[i] then list[#list + 1] = tostring(i) end
  end
  if #list >= count then
    redis.call('XDEL', queueKey, sid)
    redis.call('HDEL', sideKey, sid, 'done:' .. sid)
    return true
  end
  redis.call('HSET', sideKey, 'done:' .. sid, table.concat(list, ','))
  redis.call('PEXPIRE', sideKey, 7 * 24 * 3600 * 1000)
  return false
end
