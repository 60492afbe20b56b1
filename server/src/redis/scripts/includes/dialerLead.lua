--[[
  Helpers for the dialer's lead transitions (coordinator state, docs/coordinator-state.md).

  leadVersionIs(leadKey, expected) -> true when the lead overlay's version equals `expected` (0 = no overlay);
    remembers the version it read, so leadWrite needs no second read
  leadWrite(leadKey, indexKey, rowId, stateJson, now) -> new version (bumped): one HSET after leadVersionIs;
    and one ZADD of the rowId to the tab index with score `now` (the overlay's last write time: a refresh
    reads only the overlays written since its last read; an index member of score 1 predates this, i.e. is old)
  claimIsOurs(claimKey, prefix) -> true when the claim is held by the session whose value starts with prefix
  leadChanged(channel, tag, rowId) publishes a lead-change notice (other instances refresh their index)
  leadsChanged(channel, tag, rowIds) one notice for the leads one step changed: `{tag, rowId}` for one,
    `{tag, rowId, rowIds}` for several (rowId = the first: a reader that knows only rowId still refreshes it)
]]
local leadVersionRead = {}

local function leadVersionIs(leadKey, expected)
  local v = tonumber(redis.call('HGET', leadKey, 'v') or '0')
  leadVersionRead[leadKey] = v
  return v == tonumber(expected)
end

local function leadWrite(leadKey, indexKey, rowId, stateJson, now)
  local before = leadVersionRead[leadKey]
  local v
  if before == nil then
    v = redis.call('HINCRBY', leadKey, 'v', 1)
    redis.call('HSET', leadKey, 's', stateJson, 'u', now)
  else
    v = before + 1
    redis.call('HSET', leadKey, 'v', v, 's', stateJson, 'u', now)
  end
  leadVersionRead[leadKey] = v
  redis.call('ZADD', indexKey, now, rowId)
  return v
end

local function claimIsOurs(claimKey, prefix)
  local holder = redis.call('GET', claimKey)
  return holder ~= false and string.sub(holder, 1, #prefix) == prefix
end

local function leadChanged(channel, tag, rowId)
  redis.call('PUBLISH', channel, cjson.encode({ tag = tag, rowId = rowId }))
end

local function leadsChanged(channel, tag, rowIds)
  if #rowIds == 1 or (#rowIds == 2 and rowIds[1] == rowIds[2]) then return leadChanged(channel, tag, rowIds[1]) end
  redis.call('PUBLISH', channel, cjson.encode({ tag = tag, rowId = rowIds[1], rowIds = rowIds }))
end
