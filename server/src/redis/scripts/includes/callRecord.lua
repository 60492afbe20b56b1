--[[
  Where a call's record lives (store/call-record.ts is the TypeScript side; docs/coordinator-state.md "Keys"):
  - a call whose id names its session (keys.callIdIn, `<tabCode>.<sessionId>.<unique>`): while it is the
    session's live call (the session's `callId` names it), its fields are the session hash's `c:<field>`
    fields, read by the session read a step makes anyway and written by its session write; once it left
    the session (disposed, its dial failed) it is archived as one STRING of JSON (keys.callArchive), kept
    RETAIN ms: one command where a hash took HSET + PEXPIRE;
  - a call whose id names no session (dialed before this layout, live across the upgrade): its own hash
    (keys.call), read and stepped the old way until it ends.
  Included by dial (after its sessionChange, which callIntoSession uses) and by the scripts that read calls.

  callNamesSession(callId) -> true when the id names its session (the rule of keys.ts sessionIdOfCallId).
  callOfSession(sess, callId) -> the call's fields (a table) when it is the session's live call, else nil.
  callIntoSession(sess, changed, call): the call's fields become the session's `c:` fields (an old call's
    field the new one lacks is emptied), noted for the caller's one HSET (sessionChange).
  callArchiveRead(key) -> the archived call's fields, or nil.
  callArchiveWrite(key, call, retainMs): archives the call (SET … PX).
  callPairs(call) -> the flat field/value list of a call table (the scripts' answers).
]]
local CALL_FIELD = 'c:'

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

local function callIntoSession(sess, changed, call)
  for k, _ in pairs(sess) do
    if string.sub(k, 1, 2) == CALL_FIELD and call[string.sub(k, 3)] == nil then
      sessionChange(sess, changed, k, '')
    end
  end
  for k, v in pairs(call) do sessionChange(sess, changed, CALL_FIELD .. k, tostring(v)) end
end

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
