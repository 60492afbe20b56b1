--[[
  The disposition transition: writes the lead's new owned state (compare-and-set on its version), marks
  the call DISPOSED (kept RETAIN ms, then it expires), releases the claim if the session still holds it,
  counts the whole call in the session's counters at once (completed, the code, success, connect and talk
  time: callAdvance counts nothing; they live in the session hash, includes/countersAdd), adds the number to
  the do-not-call set when asked, and QUEUES THE SHEET PATCH in the same atomic step (enqueuePatch), so a
  disposition the API accepted always has its sheet write queued (AOF makes both durable together).
  A live call may be disposed before its hangup webhook arrives (later webhooks are then ignored).
  Reads the call once: the caller needs no read before it (the hot path). When the session is in PLAY it
  also takes the session lock for the chained dial (if free), so that dial needs no lock request of its own.

  Input:
    KEYS[1] call hash        KEYS[5] open-call timeouts ZSET
    KEYS[2] session hash     KEYS[6] tab lead index ZSET
    KEYS[3] lead hash        KEYS[7] do-not-call SET
    KEYS[4] lead claim       KEYS[8] tab write-behind queue STREAM (caller SADDed sheetQueueTabs)
    KEYS[9] session lock
    ARGV[1] callId           ARGV[8]  how long the disposed call is kept (ms)
    ARGV[2] claim prefix     ARGV[9]  do-not-call number, or ""
    ARGV[3] expected version ARGV[10] now (epoch ms)
    ARGV[4] owned state JSON ARGV[11] lead-change channel
    ARGV[5] sheet patch JSON ARGV[12] tab tag
    ARGV[6] disposition code ARGV[13] rowId
    ARGV[7] 1 if a success   ARGV[14] the lead's state before (PreDisposition JSON), or "": kept on
                                       the session as `lastPre`, with `lastCall` and `lastLeadV` (the
                                       version written), for a change of the last disposition (callAmend),
                                       and `lastCode`, `lastAt`, `lastRow` for the session view (a reload
                                       shows the receipt again)
    ARGV[15] lock owner token for the chained dial, or "" (none)   ARGV[16] its TTL (ms)

  Output:
    { new lead version, call fields, session state, session counters (after this call),
      session fields (after this call; empty if the session is gone),
      1 if the session lock was taken with ARGV[15] (the session is in PLAY and the lock was free), else 0 }
    -8 call missing   -9 already disposed (or a failed dial)   -4 lead version mismatch
]]
--- @include "dialerLead"
--- @include "enqueuePatch"
--- @include "countersAdd"
local flat = redis.call('HGETALL', KEYS[1])
if #flat == 0 then return -8 end
local call = {}
for i = 1, #flat, 2 do call[flat[i]] = flat[i + 1] end
if call.state == 'DISPOSED' or call.endReason == 'DIAL_FAILED' then return -9 end
if not leadVersionIs(KEYS[3], ARGV[3]) then return -4 end
local v = leadWrite(KEYS[3], KEYS[6], ARGV[13], ARGV[4], ARGV[10])
local add = { completed = 1, ['d:' .. ARGV[6]] = 1 }
if ARGV[7] == '1' then add.successes = 1 end
if (call.connectedAt or '') ~= '' then
  add.connects = 1
  local talk = (tonumber(call.endedAt or '') or tonumber(ARGV[10])) - tonumber(call.connectedAt)
  if talk > 0 then add.talkMs = talk end
end
call.state = 'DISPOSED'
call.disposition = ARGV[6]
call.disposedAt = ARGV[10]
if (call.endedAt or '') == '' then call.endedAt = ARGV[10] end
redis.call('HSET', KEYS[1], 'state', 'DISPOSED', 'disposition', ARGV[6], 'disposedAt', ARGV[10],
  'endedAt', call.endedAt)
redis.call('PEXPIRE', KEYS[1], ARGV[8])
redis.call('ZREM', KEYS[5], ARGV[1])
if claimIsOurs(KEYS[4], ARGV[2]) then redis.call('DEL', KEYS[4]) end
local sflat = redis.call('HGETALL', KEYS[2])
local sess = {}
for i = 1, #sflat, 2 do sess[sflat[i]] = sflat[i + 1] end
if #sflat > 0 then
  local set = {}
  if sess.callId == ARGV[1] then
    sess.callId = ''
    sess.updatedAt = ARGV[10]
    sess.lastCall = ARGV[1]
    sess.lastPre = ARGV[14] or ''
    sess.lastLeadV = tostring(v)
    sess.lastCode = ARGV[6]
    sess.lastAt = ARGV[10]
    sess.lastRow = ARGV[13]
    sess.version = tostring((tonumber(sess.version) or 0) + 1)
    set = { 'callId', '', 'updatedAt', ARGV[10], 'lastCall', ARGV[1], 'lastPre', sess.lastPre,
      'lastLeadV', sess.lastLeadV, 'lastCode', sess.lastCode, 'lastAt', sess.lastAt, 'lastRow', sess.lastRow,
      'version', sess.version }
  end
  countersApply(sess, add, nil, 'n:', set)
  redis.call('HSET', KEYS[2], unpack(set))
end
if ARGV[9] ~= '' then redis.call('SADD', KEYS[7], ARGV[9]) end
if ARGV[5] ~= '' then enqueuePatch(KEYS[8], ARGV[5], ARGV[10]) end
leadChanged(ARGV[11], ARGV[12], ARGV[13])
local out = {}
for k, val in pairs(call) do
  out[#out + 1] = k
  out[#out + 1] = val
end
local sout = {}
for k, val in pairs(sess) do
  sout[#sout + 1] = k
  sout[#sout + 1] = val
end
local locked = 0
if ARGV[15] ~= '' and sess.state == 'PLAY' and redis.call('SET', KEYS[9], ARGV[15], 'NX', 'PX', ARGV[16]) then
  locked = 1
end
return { v, out, sess.state or '', countersOf(sess, 'n:'), sout, locked }
