--[[
  The dial transition's checks and writes, written once for the two scripts that dial: leadClaimAndDial (a
  dial on its own, under the session lock) and callDispose (the disposition's chained dial, same step).
  Needs includes dialerLead, enqueuePatch and countersAdd (the including script pulls them in first).
  d.timeoutsKey is the tab's lead index (keys.callTimeoutIndex): the call's deadline goes to its timeout
  band through leadIndexAdd, so between the caller's leadIndexDefer and leadIndexFlush the lead's index
  entry and the deadline are ONE ZADD.

  `sess` is the session hash as read (a table); `d` describes the dial:
    d.leadKey (its hash carries the claim), d.dncKey, d.indexKey, d.timeoutsKey, d.queueKey   keys
    d.callKey: "" for a call whose id names its session (its record goes into the session's `c:` fields,
      written by the caller's one HSET: includes/callRecord), else the call's own hash (an id of before)
    d.claimPrefix "<sessionId>|"   d.previewId ("" = none)   d.rowId   d.version (expected)   d.number (E.164)
    d.claimValue ("<sessionId>|<callId>")   d.leaseMs   d.stateJson   d.patchJson ("" = none)   d.callJson (flat field map)
    d.callId   d.deadline (epoch ms)   d.now

  dialCheck(sess, d) -> nil when the session may dial the lead now, else the failure:
    -11 session not in PLAY   -7 the session has a call
    -10 previewId is not the pending preview (or a preview is pending and none was named)
    -5 lead claimed by another session (with a previewId: the claim is not exactly that preview's)
    -4 lead version mismatch   -6 number on the do-not-call list
  dialWrite(sess, d, changed) -> the lead's new version: overlay IN_PROGRESS and the claim (leased until
    now + leaseMs) in one HSET of the lead, patch collected (the caller appends it: appendCollectedPatches),
    call record (the session's `c:` fields: no command of its own) + its deadline (the timeout band's
    member is the session's: one live call per session, so
    this ZADD replaces the score of the session's previous call, and a chained dial needs no ZREM of it); the
    session's changes (callId, preview, updatedAt, version, counters
    initiated + 1 and `since`) go into `sess` and `changed` (sessionChange), written by the caller's HSET.
  sessionChange(sess, changed, field, value): sets a session field and notes it for the caller's one HSET.
  sessionSetArgs(sess, changed) -> the HSET argument list of the noted fields.
  sessionIdOf(claimPrefix) -> the session id of a claim prefix "<sessionId>|".
]]
--- @include "callTimeouts"
local function sessionIdOf(prefix)
  return string.sub(prefix, 1, #prefix - 1)
end

local function sessionChange(sess, changed, field, value)
  if not changed[field] then
    changed[#changed + 1] = field
    changed[field] = true
  end
  sess[field] = value
end

local function sessionSetArgs(sess, changed)
  local set = {}
  for _, f in ipairs(changed) do
    set[#set + 1] = f
    set[#set + 1] = sess[f]
  end
  return set
end

--- @include "callRecord"

local function dialCheck(sess, d)
  if sess.state ~= 'PLAY' then return -11 end
  if (sess.callId or '') ~= '' then return -7 end
  local preview = sess.preview or ''
  if d.previewId == '' then
    if preview ~= '' then return -10 end
  else
    if preview == '' then return -10 end
    local p = cjson.decode(preview)
    if p.previewId ~= d.previewId or p.rowId ~= d.rowId then return -10 end
  end
  local versionOk = leadVersionIs(d.leadKey, d.version)
  local holder = leadClaim(d.leadKey, d.now)
  -- A lapsed preview claim (lease ended, e.g. in PAUSE) may have let another session work the lead.
  if d.previewId ~= '' and holder ~= (d.claimPrefix .. 'p:' .. d.previewId) then return -5 end
  if not versionOk then return -4 end
  if holder and string.sub(holder, 1, #d.claimPrefix) ~= d.claimPrefix then return -5 end
  if redis.call('SISMEMBER', d.dncKey, d.number) == 1 then return -6 end
  return nil
end

local function dialWrite(sess, d, changed)
  local v = leadWrite(d.leadKey, d.indexKey, d.rowId, d.stateJson, d.now, claimValue(d.claimValue, d.now, d.leaseMs))
  if d.callKey == '' then
    callIntoSession(sess, changed, cjson.decode(d.callJson))
  else
    local fields = {}
    for k, val in pairs(cjson.decode(d.callJson)) do
      fields[#fields + 1] = k
      fields[#fields + 1] = tostring(val)
    end
    redis.call('HSET', d.callKey, unpack(fields))
  end
  leadIndexAdd(d.timeoutsKey, timeoutScore(d.deadline), timeoutMember(sessionIdOf(d.claimPrefix)))
  sessionChange(sess, changed, 'callId', d.callId)
  sessionChange(sess, changed, 'preview', '')
  sessionChange(sess, changed, 'updatedAt', d.now)
  sessionChange(sess, changed, 'version', tostring((tonumber(sess.version) or 0) + 1))
  local counted = {}
  countersApply(sess, { initiated = 1 }, { since = d.now }, 'n:', counted)
  for i = 1, #counted, 2 do sessionChange(sess, changed, counted[i], counted[i + 1]) end
  if d.patchJson ~= '' then collectPatch(d.queueKey, d.patchJson) end
  return v
end
