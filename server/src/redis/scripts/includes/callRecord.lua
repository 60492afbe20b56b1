--[[
  Where a call's record lives (store/call-record.ts is the TypeScript side; docs/coordinator-state.md "Keys"):
  - a call whose id names its session (keys.callIdIn, `<tabCode>.<sessionId>.<unique>`): while it is the
    session's live call (the session's `callId` names it), its fields are the session hash's `c:<field>`
    fields, read by the session read a step makes anyway and written by its session write; once it is
    disposed it is the session's last call, the session's `l:<field>` fields (written in the disposition's
    session HSET: no command; the next disposition overwrites them); once it left the session otherwise
    (its dial failed: callRevertDial) it is archived as one STRING of JSON (keys.callArchive), kept RETAIN
    ms. A call disposed before the `l:` fields is in its archive until it expires; an older call than the
    session's last one is no longer stored (the sheet's Call log keeps it);
  - a call whose id names no session (dialed before this layout, live across the upgrade): its own hash
    (keys.call), read and stepped the old way until it ends.
  Included by dial (after its sessionChange, which callIntoSession uses) and by the scripts that read calls.

  callNamesSession(callId) -> true when the id names its session (the rule of keys.ts sessionIdOfCallId).
  callOfSession(sess, callId) -> the call's fields (a table) when it is the session's live call, else nil.
  callLastOfSession(sess, callId) -> the call's fields (a table) when it is the session's last disposed call
    (its `l:` fields), else nil.
  callLeftSession(sess, callId) -> true when the id names this session (read: not empty) and the session's
    live call is another one (or none): the call left it (disposed, or its dial failed).
  callIntoSession(sess, changed, call): the call's fields become the session's `c:` fields (an old call's
    field the new one lacks is emptied), noted for the caller's one HSET (sessionChange).
  callIntoLast(sess, changed, call): the same into the `l:` fields (the disposed call, the session's last).
  callArchiveRead(key) -> the archived call's fields, or nil.
  callArchiveWrite(key, call, retainMs): archives the call (SET … PX).
  callPairs(call) -> the flat field/value list of a call table (the scripts' answers).
  callLogTimed(patchJson, call) -> the patch with its Call log row's duration filled in from the call's
    connectedAt / endedAt when the caller left it open (`"durationS":null`; src-shared callDurationS): the
    flusher then needs no record of a call the session no longer keeps.
]]
local CALL_FIELD = 'c:'
local LAST_FIELD = 'l:'

local function callNamesSession(callId)
  return string.match(callId, '^[%w_%-]+%.[^%.]+%.[^%.]+$') ~= nil and #string.match(callId, '^([^%.]+)') == 10
end

local function callOfSession(sess, callId)
  if (sess.callId or '') ~= callId or callId == '' then return nil end
  local call = {}
  for k, v in pairs(sess) do
    if string.sub(k, 1, 2) == CALL_FIELD then call[string.sub(k, 3)] = v end
  end
  if (call.callId or '') ~= callId then return nil end
  return call
end

local function callLastOfSession(sess, callId)
  if (sess[LAST_FIELD .. 'callId'] or '') ~= callId or callId == '' then return nil end
  local call = {}
  for k, v in pairs(sess) do
    if string.sub(k, 1, 2) == LAST_FIELD then call[string.sub(k, 3)] = v end
  end
  return call
end

local function callLeftSession(sess, callId)
  return sess.state ~= nil and (sess.callId or '') ~= callId and callNamesSession(callId)
end

local function callFieldsInto(sess, changed, call, prefix)
  for k, _ in pairs(sess) do
    if string.sub(k, 1, 2) == prefix and call[string.sub(k, 3)] == nil then
      sessionChange(sess, changed, k, '')
    end
  end
  for k, v in pairs(call) do sessionChange(sess, changed, prefix .. k, tostring(v)) end
end

local function callIntoSession(sess, changed, call) callFieldsInto(sess, changed, call, CALL_FIELD) end

local function callIntoLast(sess, changed, call) callFieldsInto(sess, changed, call, LAST_FIELD) end

local function callArchiveRead(key)
  local raw = redis.call('GET', key)
  if not raw then return nil end
  return cjson.decode(raw)
end

local function callArchiveWrite(key, call, retainMs)
  redis.call('SET', key, cjson.encode(call), 'PX', retainMs)
end

local function callPairs(call)
  local out = {}
  for k, v in pairs(call) do
    out[#out + 1] = k
    out[#out + 1] = v
  end
  return out
end

local function callLogTimed(patchJson, call)
  local connected = tonumber(call.connectedAt or '')
  local seconds = 0
  if connected then
    local ended = tonumber(call.endedAt or '') or connected
    seconds = math.max(0, math.floor((ended - connected) / 1000 + 0.5))
  end
  local timed = string.gsub(patchJson, '"durationS":null', '"durationS":' .. string.format('%d', seconds), 1)
  return timed
end
