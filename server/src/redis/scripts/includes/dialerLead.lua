--[[
  Helpers for the dialer's lead transitions (coordinator state, docs/coordinator-state.md).

  The lead hash carries the overlay (`v` version, `s` owned state JSON, `u` updatedAt) and the lead's claim
  `c` = "<owner>|<what>|<expiresAt>" (owner = the session id, what = the call id or "p:<previewId>",
  expiresAt = epoch ms): a lease. A value that is empty, malformed or expired at the caller's `now` (ARGV,
  never the script's clock) is no claim at all. The claim is read with the version (one HMGET) and written
  with the overlay (one HSET), so it costs no command of its own on the dial and the disposition.

  leadVersionIs(leadKey, expected) -> true when the lead overlay's version equals `expected` (0 = no overlay);
    reads `v` and `c` together and remembers both, so leadWrite and leadClaim need no second read
  leadWrite(leadKey, indexKey, rowId, stateJson, now, claim) -> new version (bumped): one HSET after
    leadVersionIs (`claim`: nil leaves the claim, "" releases it, else the new claim value); and one ZADD of
    the rowId to the tab index with score `now` (the overlay's last write time: a refresh reads only the
    overlays written since its last read; an index member of score 1 predates this, i.e. is old)
  leadIndexDefer() / leadIndexFlush(): between them leadWrite's index ZADDs (and leadIndexAdd's) are
    collected and written by leadIndexFlush as ONE ZADD per index key (a step that writes two leads of a
    tab and a call's deadline: the disposition and its chained dial); the step must reach leadIndexFlush
    before it returns
  leadIndexAdd(indexKey, score, member): a ZADD to an index, collected while deferred (a dial's call
    deadline in the lead index's timeout band: includes/callTimeouts.lua)
  leadClaim(leadKey, now) -> "<owner>|<what>" of the live claim, or false (none, or its lease ended)
  claimIsOurs(leadKey, prefix, now) -> true when the live claim's value starts with prefix ("<sessionId>|")
  claimValue(holder, now, leaseMs) -> the stored value of a claim "<owner>|<what>" leased for leaseMs from now
  claimSet(leadKey, value) -> writes the claim alone (a preview's claim; "" releases it)
  leadChanged(channel, tag, rowId) publishes a lead-change notice (other instances refresh their index)
  leadsChanged(channel, tag, rowIds) one notice for the leads one step changed: `{tag, rowId}` for one,
    `{tag, rowId, rowIds}` for several (rowId = the first: a reader that knows only rowId still refreshes it)
  leadsNotice(tag, rowIds) -> that notice's JSON (a step that tells the agent's events carries it in their
    notice instead: includes/eventsAppend.lua)
]]
local leadVersionRead = {}
local leadClaimRead = {}
local leadIndexBatch = nil

local function leadVersionIs(leadKey, expected)
  local r = redis.call('HMGET', leadKey, 'v', 'c')
  local v = tonumber(r[1] or '0')
  leadVersionRead[leadKey] = v
  leadClaimRead[leadKey] = r[2] or ''
  return v == tonumber(expected)
end

local function leadClaim(leadKey, now)
  local raw = leadClaimRead[leadKey]
  if raw == nil then
    raw = redis.call('HGET', leadKey, 'c') or ''
    leadClaimRead[leadKey] = raw
  end
  local cut = string.find(raw, '|[^|]*$')
  if not cut then return false end
  local expiresAt = tonumber(string.sub(raw, cut + 1))
  if not expiresAt or expiresAt <= tonumber(now) then return false end
  return string.sub(raw, 1, cut - 1)
end

local function claimIsOurs(leadKey, prefix, now)
  local holder = leadClaim(leadKey, now)
  return holder ~= false and string.sub(holder, 1, #prefix) == prefix
end

local function claimValue(holder, now, leaseMs)
  return holder .. '|' .. tostring(tonumber(now) + tonumber(leaseMs))
end

local function claimSet(leadKey, value)
  if value == '' then redis.call('HDEL', leadKey, 'c') else redis.call('HSET', leadKey, 'c', value) end
  leadClaimRead[leadKey] = value
end

local function leadIndexAdd(indexKey, score, member)
  if leadIndexBatch then
    local b = leadIndexBatch[indexKey] or {}
    b[#b + 1] = score
    b[#b + 1] = member
    leadIndexBatch[indexKey] = b
  else
    redis.call('ZADD', indexKey, score, member)
  end
end

local function leadWrite(leadKey, indexKey, rowId, stateJson, now, claim)
  local before = leadVersionRead[leadKey]
  local v
  local extra = {}
  if claim ~= nil then
    extra = { 'c', claim }
    leadClaimRead[leadKey] = claim
  end
  if before == nil then
    v = redis.call('HINCRBY', leadKey, 'v', 1)
    redis.call('HSET', leadKey, 's', stateJson, 'u', now, unpack(extra))
  else
    v = before + 1
    redis.call('HSET', leadKey, 'v', v, 's', stateJson, 'u', now, unpack(extra))
  end
  leadVersionRead[leadKey] = v
  leadIndexAdd(indexKey, now, rowId)
  return v
end

local function leadIndexDefer()
  leadIndexBatch = {}
end

local function leadIndexFlush()
  for indexKey, args in pairs(leadIndexBatch or {}) do redis.call('ZADD', indexKey, unpack(args)) end
  leadIndexBatch = nil
end

local function leadChanged(channel, tag, rowId)
  redis.call('PUBLISH', channel, cjson.encode({ tag = tag, rowId = rowId }))
end

local function leadsNotice(tag, rowIds)
  if #rowIds == 1 or (#rowIds == 2 and rowIds[1] == rowIds[2]) then
    return cjson.encode({ tag = tag, rowId = rowIds[1] })
  end
  return cjson.encode({ tag = tag, rowId = rowIds[1], rowIds = rowIds })
end

local function leadsChanged(channel, tag, rowIds)
  redis.call('PUBLISH', channel, leadsNotice(tag, rowIds))
end
