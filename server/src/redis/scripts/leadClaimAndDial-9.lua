--[[
  The dial transition: under the session lock, claim the lead (or keep the preview's claim), mark the
  number IN_PROGRESS (owned state + sheet patch queued atomically) and create the call record with its
  timeout. The caller then asks Dialpad to ring; on failure it runs callRevertDial.

  Input:
    KEYS[1] session lock          KEYS[6] call hash
    KEYS[2] session hash          KEYS[7] open-call timeouts ZSET
    KEYS[3] lead hash             KEYS[8] tab lead index ZSET
    KEYS[4] lead claim            KEYS[9] tab write-behind queue STREAM (caller SADDed sheetQueueTabs)
    KEYS[5] do-not-call SET
    ARGV[1] lock owner token      ARGV[9]  sheet patch JSON, or ""
    ARGV[2] claim prefix          ARGV[10] call record JSON (flat field map, "" = null)
    ARGV[3] previewId or ""       ARGV[11] callId
    ARGV[4] expected lead version ARGV[12] call timeout deadline (epoch ms)
    ARGV[5] number (E.164)        ARGV[13] now (epoch ms)
    ARGV[6] claim value           ARGV[14] lead-change channel
    ARGV[7] lease ms              ARGV[15] tab tag
    ARGV[8] owned state JSON      ARGV[16] rowId

  Output:
    { new lead version, session counters (after this dial: initiated + 1, `since` set by the first) }
    -2 lock not owned   -1 session missing   -11 session not in PLAY   -7 the session has a call
    -10 previewId is not the pending preview (or a preview is pending and none was named)
    -4 lead version mismatch   -5 lead claimed by another session (with a previewId: the claim is not
    exactly that preview's "<sessionId>|p:<previewId>" any more; the caller drops the preview)
    -6 number on the do-not-call list
]]
--- @include "dialerLead"
--- @include "enqueuePatch"
--- @include "countersAdd"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -2 end
local sflat = redis.call('HGETALL', KEYS[2])
if #sflat == 0 then return -1 end
local sess = {}
for i = 1, #sflat, 2 do sess[sflat[i]] = sflat[i + 1] end
if sess.state ~= 'PLAY' then return -11 end
if (sess.callId or '') ~= '' then return -7 end
local preview = sess.preview or ''
if ARGV[3] == '' then
  if preview ~= '' then return -10 end
else
  if preview == '' then return -10 end
  local p = cjson.decode(preview)
  if p.previewId ~= ARGV[3] or p.rowId ~= ARGV[16] then return -10 end
end
local holder = redis.call('GET', KEYS[4])
-- A lapsed preview claim (lease ended, e.g. in PAUSE) may have let another session work the lead.
if ARGV[3] ~= '' and holder ~= (ARGV[2] .. 'p:' .. ARGV[3]) then return -5 end
if not leadVersionIs(KEYS[3], ARGV[4]) then return -4 end
if holder and string.sub(holder, 1, #ARGV[2]) ~= ARGV[2] then return -5 end
if redis.call('SISMEMBER', KEYS[5], ARGV[5]) == 1 then return -6 end

local v = leadWrite(KEYS[3], KEYS[8], ARGV[16], ARGV[8], ARGV[13])
redis.call('SET', KEYS[4], ARGV[6], 'PX', ARGV[7])
local fields = {}
for k, val in pairs(cjson.decode(ARGV[10])) do
  fields[#fields + 1] = k
  fields[#fields + 1] = tostring(val)
end
redis.call('HSET', KEYS[6], unpack(fields))
redis.call('ZADD', KEYS[7], ARGV[12], ARGV[11])
local set = { 'callId', ARGV[11], 'preview', '', 'updatedAt', ARGV[13],
  'version', (tonumber(sess.version) or 0) + 1 }
countersApply(sess, { initiated = 1 }, { since = ARGV[13] }, 'n:', set)
redis.call('HSET', KEYS[2], unpack(set))
if ARGV[9] ~= '' then enqueuePatch(KEYS[9], ARGV[9], ARGV[13]) end
leadChanged(ARGV[14], ARGV[15], ARGV[16])
return { v, countersOf(sess, 'n:') }
