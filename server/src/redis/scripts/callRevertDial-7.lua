--[[
  Dialpad refused or failed to ring: puts the number back (owned state + sheet patch), ends the call as
  DIAL_FAILED (never shown to the agent as a disposition), frees the session and releases the claim; the
  session's `initiated` (counted by the dial) goes back down, and the agent's too when the session already
  ended (STOP folded its counters into the agent's: sessionEnd) or is gone. A call whose id names its
  session (includes/callRecord) is read from the session's `c:` fields and archived (SET … PX ARGV[11]);
  a call of before is its own hash (the caller expires it).

  Input:
    KEYS[1] session hash     KEYS[4] call-timeout index (the lead index: its band, includes/callTimeouts)
    KEYS[2] lead hash (with  KEYS[5] tab lead index ZSET
            its claim `c`)   KEYS[6] tab write-behind queue STREAM
    KEYS[3] call archive     KEYS[7] the agent's counters in this tab (keys.agentTabStats)
    ARGV[1] callId           ARGV[6] claim to release ("<sessionId>|<callId>")
    ARGV[2] expected version ARGV[7] lead-change channel
    ARGV[3] owned state JSON ARGV[8] tab tag
    ARGV[4] sheet patch JSON ARGV[9] rowId
    ARGV[5] now (epoch ms)   ARGV[10] sessionId (the deadline's member while this is the session's call;
                                       a call id's is the layout before: removed in the same ZREM)
    ARGV[11] how long the archived call is kept (ms)

  Output:
    new lead version
    -8 call missing   -9 the call already moved past DIALING   -4 lead version mismatch
]]
--- @include "dialerLead"
--- @include "enqueuePatch"
--- @include "callRecord"
--- @include "callTimeouts"
local inSession = callNamesSession(ARGV[1])
local call, state = nil, nil
if inSession then
  local flat = redis.call('HGETALL', KEYS[1])
  local s = {}
  for i = 1, #flat, 2 do s[flat[i]] = flat[i + 1] end
  call = callOfSession(s, ARGV[1]) or callArchiveRead(KEYS[3])
  if call then state = call.state end
else
  state = redis.call('HGET', KEYS[3], 'state')
end
if not state then return -8 end
if state ~= 'DIALING' then return -9 end
if not leadVersionIs(KEYS[2], ARGV[2]) then return -4 end
local release = nil
local holder = leadClaim(KEYS[2], ARGV[5])
if holder == ARGV[6] or not holder then release = '' end
local v = leadWrite(KEYS[2], KEYS[5], ARGV[9], ARGV[3], ARGV[5], release)
if inSession then
  call.state, call.endedAt, call.endReason = 'ENDED', ARGV[5], 'DIAL_FAILED'
  callArchiveWrite(KEYS[3], call, ARGV[11])
else
  redis.call('HSET', KEYS[3], 'state', 'ENDED', 'endedAt', ARGV[5], 'endReason', 'DIAL_FAILED')
end
local sess = redis.call('HMGET', KEYS[1], 'callId', 'version', 'state')
if sess[1] == ARGV[1] then
  redis.call('HSET', KEYS[1], 'callId', '', 'updatedAt', ARGV[5], 'version', (tonumber(sess[2]) or 0) + 1)
  redis.call('ZREM', KEYS[4], timeoutMember(ARGV[1]), timeoutMember(ARGV[10]))
else
  redis.call('ZREM', KEYS[4], timeoutMember(ARGV[1]))
end
if sess[2] then redis.call('HINCRBY', KEYS[1], 'n:initiated', -1) end
if not sess[2] or sess[3] == 'STOP' then redis.call('HINCRBY', KEYS[7], 'initiated', -1) end
if ARGV[4] ~= '' then enqueuePatch(KEYS[6], ARGV[4], ARGV[5]) end
leadChanged(ARGV[7], ARGV[8], ARGV[9])
return v
