--[[
  Helpers for the dialer's lead transitions (coordinator state, docs/coordinator-state.md).

  leadVersionIs(leadKey, expected) -> true when the lead overlay's version equals `expected` (0 = no overlay)
  leadWrite(leadKey, indexKey, rowId, stateJson, now) -> new version (bumped), also ZADDed to the tab index
  claimIsOurs(claimKey, prefix) -> true when the claim is held by the session whose value starts with prefix
  leadChanged(channel, tag, rowId) publishes a lead-change notice (other instances refresh their index)
]]
local function leadVersionIs(leadKey, expected)
  local v = tonumber(redis.call('HGET', leadKey, 'v') or '0')
  return v == tonumber(expected)
end

local function leadWrite(leadKey, indexKey, rowId, stateJson, now)
  local v = redis.call('HINCRBY', leadKey, 'v', 1)
  redis.call('HSET', leadKey, 's', stateJson, 'u', now)
  redis.call('ZADD', indexKey, v, rowId)
  return v
end

local function claimIsOurs(claimKey, prefix)
  local holder = redis.call('GET', claimKey)
  return holder ~= false and string.sub(holder, 1, #prefix) == prefix
end

local function leadChanged(channel, tag, rowId)
  redis.call('PUBLISH', channel, cjson.encode({ tag = tag, rowId = rowId }))
end
