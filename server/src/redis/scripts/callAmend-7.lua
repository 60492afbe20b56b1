--[[
  Changing the last disposition (issue 10): re-writes the lead as if the right code had been chosen, over
  the state callDispose kept on the session for its last disposed call (`lastCall`, `lastPre`,
  `lastLeadV`; decided by src-shared/domain/amend.ts in the service), and corrects what the first code
  did: the call's disposition, the session's counters (and the agent's in this tab once the session ended:
  sessionEnd folded them there), the do-not-call set, and the sheet (a patch queued
  after the first one: the later write wins). Refused, with nothing written, when the window since the
  disposition passed, when the call is not the last one its session disposed, or when the lead changed
  after the disposition (another write bumped its version: dialed again, skipped...).
  Checks first, writes after; `now` is passed in. The session's current call is never touched. The
  session's `lastCode` becomes the new code (the session view shows it after a reload). A call whose id
  names its session is read from and written back to the session's `l:` fields (includes/callRecord: the
  session's last disposed call, the only one a change may touch; the session's one HGETALL and HSET), or
  its archive when it was disposed before those (its expiry kept); a call of before is its own hash.

  Input:
    KEYS[1] call archive (its hash for an id naming no session)   KEYS[4] tab lead index ZSET
    KEYS[2] session hash (its counters are its `n:` fields, includes/countersAdd)
    KEYS[3] lead hash        KEYS[5] do-not-call SET
                             KEYS[6] tab write-behind queue STREAM (caller SADDed sheetQueueTabs)
                             KEYS[7] the agent's counters in this tab (keys.agentTabStats)
    ARGV[1] callId                     ARGV[9]  sheet patch JSON (with the call log's correcting row), or ""
    ARGV[2] agent email (lower case)   ARGV[10] success counter delta (-1, 0 or 1)
    ARGV[3] now (epoch ms)             ARGV[11] the dialed number (E.164)
    ARGV[4] window (ms)                ARGV[12] do-not-call change: ADD, REMOVE or ""
    ARGV[5] lead version the service read from the session (`lastLeadV`)
    ARGV[6] code the service read from the call      ARGV[13] lead-change channel
    ARGV[7] the new code                             ARGV[14] tab tag
    ARGV[8] the lead's new owned state JSON          ARGV[15] rowId

  Output:
    { new lead version, number of changes of this call so far }
    -8 call missing     -30 agent mismatch     -31 not disposed, or disposed without a lead write
    -32 window passed   -33 not the session's last disposed call
    -34 the lead changed after the disposition   -4 the caller's read is stale (read again)
]]
--- @include "dialerLead"
--- @include "enqueuePatch"
--- @include "countersAdd"
--- @include "callRecord"
local inSession = callNamesSession(ARGV[1])
local archived, inLast = nil, false
local c
local dFrom, dTo = 'd:' .. ARGV[6], 'd:' .. ARGV[7]
local s
if inSession then
  -- The session's last call (its `l:` fields) in the session's one read, else its archive (disposed
  -- before the `l:` fields).
  local flat = redis.call('HGETALL', KEYS[2])
  local sess = {}
  for i = 1, #flat, 2 do sess[flat[i]] = flat[i + 1] end
  archived = callLastOfSession(sess, ARGV[1])
  inLast = archived ~= nil
  archived = archived or callArchiveRead(KEYS[1]) or {}
  c = { archived.agentEmail, archived.state, archived.disposition, archived.disposedAt }
  s = { sess.lastCall, sess.lastPre, sess.lastLeadV, sess['n:' .. dFrom], sess['n:' .. dTo], sess['n:successes'],
    sess.state }
else
  c = redis.call('HMGET', KEYS[1], 'agentEmail', 'state', 'disposition', 'disposedAt')
end
if not c[1] or c[1] == '' then return -8 end
if string.lower(c[1]) ~= ARGV[2] then return -30 end
if not s then
  s = redis.call('HMGET', KEYS[2], 'lastCall', 'lastPre', 'lastLeadV', 'n:' .. dFrom, 'n:' .. dTo,
    'n:successes', 'state')
end
if c[2] ~= 'DISPOSED' then return -31 end
if tonumber(ARGV[3]) - tonumber(c[4]) > tonumber(ARGV[4]) then return -32 end
if s[1] ~= ARGV[1] then return -33 end
if (s[2] or '') == '' or not s[3] then return -31 end
if s[3] ~= ARGV[5] or c[3] ~= ARGV[6] then return -4 end
if not leadVersionIs(KEYS[3], s[3]) then return -34 end

local v = leadWrite(KEYS[3], KEYS[4], ARGV[15], ARGV[8], ARGV[3])
local n
if inSession then
  archived.disposition, archived.amendedAt = ARGV[7], ARGV[3]
  if (archived.firstDisposition or '') == '' then archived.firstDisposition = ARGV[6] end
  n = (tonumber(archived.amends or '') or 0) + 1
  archived.amends = tostring(n)
  if not inLast then redis.call('SET', KEYS[1], cjson.encode(archived), 'KEEPTTL') end
else
  redis.call('HSET', KEYS[1], 'disposition', ARGV[7], 'amendedAt', ARGV[3])
  redis.call('HSETNX', KEYS[1], 'firstDisposition', ARGV[6])
  n = redis.call('HINCRBY', KEYS[1], 'amends', 1)
end
-- The session: the version now written, the code, and its counters, in one HSET.
local cur = { ['n:' .. dFrom] = s[4] or nil, ['n:' .. dTo] = s[5] or nil, ['n:successes'] = s[6] or nil }
local add = { [dFrom] = -1, [dTo] = 1 }
if ARGV[10] ~= '0' then add.successes = tonumber(ARGV[10]) end
local set = { 'lastLeadV', tostring(v), 'lastCode', ARGV[7] }
if inLast then
  for _, f in ipairs({ 'disposition', 'amendedAt', 'firstDisposition', 'amends' }) do
    set[#set + 1] = 'l:' .. f
    set[#set + 1] = archived[f]
  end
end
countersApply(cur, add, nil, 'n:', set)
redis.call('HSET', KEYS[2], unpack(set))
-- The agent's counters get the session's when it ends (sessionEnd); after that, both move.
if s[7] == 'STOP' then countersAdd(KEYS[7], add, nil) end
if ARGV[12] == 'ADD' then redis.call('SADD', KEYS[5], ARGV[11]) end
if ARGV[12] == 'REMOVE' then redis.call('SREM', KEYS[5], ARGV[11]) end
if ARGV[9] ~= '' then enqueuePatch(KEYS[6], ARGV[9], ARGV[3]) end
leadChanged(ARGV[13], ARGV[14], ARGV[15])
return { v, n }
