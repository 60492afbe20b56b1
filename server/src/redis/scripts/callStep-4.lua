--[[
  Writes a call's step (a webhook's, or the timeout sweep's) as src-shared decideCallStep decided it, if the
  call is still what it was decided on (compare-and-set), and appends the step's events to the agent's home
  stream in the same script: the state change and its announcement commit together or not at all, so a
  crash loses neither and a redelivered webhook finds its step made and told (no dedupe record needed).
  The hot path: EVALSHA, HMGET, HSET, then the append (XADD, PUBLISH): one round trip. A call whose id
  names its session (includes/callRecord) is the session hash's `c:` fields while it is the session's live
  call: the HMGET and HSET are the session's; once it left the session (disposed: the session's `l:`
  fields while it is its last call; its dial failed: its archive) that record answers (one HGETALL of the
  session, then a GET of the archive when the `l:` fields are another call's), and a step of it is decided
  again on that (a late or redelivered webhook: nothing moves; a sweep decided on it drops only a member
  named by the call id). An older call's record is gone: -8 (the webhook is answered 200 and ignored).
  A call of before (its id names no session) is its own hash, stepped as before.

  Input:
    KEYS[1] the call's archive (keys.callArchive), or its hash for an id naming no session
    KEYS[2] call-timeout index: the tab's lead index, its band (member: the session's; includes/callTimeouts)
    KEYS[3] the agent's event stream (keys.agentEvents(tag, email): the call's tab is the agent's home)
    KEYS[4] the call's session hash (the live call's record; for a call of before, read only by the
            sweeper's steps: is this still the session's call?)
    ARGV[1] expected: JSON object, progress field -> its value as the hash holds it ("" = none)
    ARGV[2] fields to set: JSON flat map (empty object: none)
    ARGV[3] timeout band: "" | "rem" | "add" (ZADD XX under ARGV[4]) of the call's member: the session id's
            (ARGV[10]) while the call is the session's, else the call id (members from before)
    ARGV[4] the deadline for "add"
    ARGV[5] callId
    ARGV[6] at (epoch ms)  ARGV[7] stream MAXLEN  ARGV[8] notice channel  ARGV[9] agent email
    ARGV[10] the call's sessionId
    ARGV[11..] event JSONs (none: nothing appended; at most 63)

  Output:
    { 1, last seq (0: nothing appended) }  written
    { 0, call fields (HGETALL) }            the call is not what was expected: nothing written
    -8                                      call missing
]]
--- @include "eventsAppend"
--- @include "callRecord"
--- @include "callTimeouts"
eventsCheck(#ARGV - 10)
local expected = cjson.decode(ARGV[1])
local names, want = {}, {}
for k, v in pairs(expected) do
  names[#names + 1] = k
  want[#want + 1] = v
end
local inSession = callNamesSession(ARGV[5])
local key, prefix = KEYS[1], ''
if inSession then key, prefix = KEYS[4], 'c:' end
local fields = {}
for i = 1, #names do fields[i] = prefix .. names[i] end
local cur = redis.call('HMGET', key, 'callId', unpack(fields))
if inSession and cur[1] ~= ARGV[5] then
  -- No longer the session's call: archived, final (DISPOSED, or its dial failed). A step decided on
  -- anything else is decided again on the archive; one decided on it only drops the sweep's member named
  -- by the call id (never the session's, which is its next call's): nothing is written, nothing told.
  local flat = redis.call('HGETALL', KEYS[4])
  local sess = {}
  for j = 1, #flat, 2 do sess[flat[j]] = flat[j + 1] end
  local archived = callLastOfSession(sess, ARGV[5]) or callArchiveRead(KEYS[1])
  if not archived then return -8 end
  for i = 1, #names do
    local have, exp = archived[names[i]] or '', want[i]
    if have ~= exp and not (tonumber(have) and tonumber(exp) and tonumber(have) == tonumber(exp)) then
      return { 0, callPairs(archived) }
    end
  end
  if ARGV[3] == 'rem' then redis.call('ZREM', KEYS[2], timeoutMember(ARGV[5])) end
  return { 1, 0 }
end
if not cur[1] then return -8 end
for i = 1, #names do
  local have, exp = cur[i + 1] or '', want[i]
  if have ~= exp and not (tonumber(have) and tonumber(exp) and tonumber(have) == tonumber(exp)) then
    if not inSession then return { 0, redis.call('HGETALL', KEYS[1]) } end
    local flat = redis.call('HGETALL', KEYS[4])
    local sess = {}
    for j = 1, #flat, 2 do sess[flat[j]] = flat[j + 1] end
    return { 0, callPairs(callOfSession(sess, ARGV[5]) or {}) }
  end
end
local set = {}
for k, v in pairs(cjson.decode(ARGV[2])) do
  set[#set + 1] = prefix .. k
  set[#set + 1] = tostring(v)
end
if #set > 0 then redis.call('HSET', key, unpack(set)) end
-- The sweeper's steps only (a webhook's leaves the ZSET alone): the session's member is this call's while
-- it is the session's call; a member named by the call id is the layout before.
if ARGV[3] ~= '' then
  local member = ARGV[5]
  if inSession or redis.call('HGET', KEYS[4], 'callId') == ARGV[5] then member = ARGV[10] end
  if ARGV[3] == 'rem' then
    redis.call('ZREM', KEYS[2], timeoutMember(member))
  else
    redis.call('ZADD', KEYS[2], 'XX', timeoutScore(ARGV[4]), timeoutMember(member))
  end
end
if #ARGV < 11 then return { 1, 0 } end
local events = {}
for i = 11, #ARGV do events[#events + 1] = ARGV[i] end
return { 1, eventsAppend(KEYS[3], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[6], events) }
