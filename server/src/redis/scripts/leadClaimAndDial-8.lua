--[[
  The dial transition: under the session lock, claim the lead (or keep the preview's claim), mark the
  number IN_PROGRESS (owned state + sheet patch queued atomically) and create the call record with its
  timeout (the session's `c:` fields, in the session's one HSET: includes/callRecord). The caller then asks Dialpad to ring; on failure it runs callRevertDial. The checks and writes
  are includes/dial (callDispose's chained dial runs the same ones); the session's counters (initiated + 1,
  `since` set by the first) move in the same step (the agent's get them when the session ends: sessionEnd).

  Input:
    KEYS[1] session lock          KEYS[5] call hash of an id naming no session (else unused)
    KEYS[2] session hash          KEYS[6] call-timeout index (= KEYS[7]: its band)
    KEYS[3] lead hash (claim `c`) KEYS[7] tab lead index ZSET
    KEYS[4] do-not-call SET       KEYS[8] tab write-behind queue STREAM (caller SADDed sheetQueueTabs)
    ARGV[1] lock owner token      ARGV[9]  sheet patch JSON, or ""
    ARGV[2] claim prefix          ARGV[10] call record JSON (flat field map, "" = null)
    ARGV[3] previewId or ""       ARGV[11] callId
    ARGV[4] expected lead version ARGV[12] call timeout deadline (epoch ms)
    ARGV[5] number (E.164)        ARGV[13] now (epoch ms)
    ARGV[6] claim "<sid>|<callId>" ARGV[14] lead-change channel
    ARGV[7] lease ms              ARGV[15] tab tag
    ARGV[8] owned state JSON      ARGV[16] rowId

  Output:
    { new lead version, session counters (after this dial: initiated + 1, `since` set by the first) }
    -2 lock not owned   -1 session missing   and dialCheck's failures (includes/dial): -11 -7 -10 -5 -4 -6
]]
--- @include "dialerLead"
--- @include "enqueuePatch"
--- @include "countersAdd"
--- @include "dial"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -2 end
local sflat = redis.call('HGETALL', KEYS[2])
if #sflat == 0 then return -1 end
local sess = {}
for i = 1, #sflat, 2 do sess[sflat[i]] = sflat[i + 1] end
local d = {
  leadKey = KEYS[3], dncKey = KEYS[4], callKey = callNamesSession(ARGV[11]) and '' or KEYS[5], timeoutsKey = KEYS[6],
  indexKey = KEYS[7], queueKey = KEYS[8], claimPrefix = ARGV[2], previewId = ARGV[3], version = ARGV[4],
  number = ARGV[5], claimValue = ARGV[6], leaseMs = ARGV[7], stateJson = ARGV[8], patchJson = ARGV[9],
  callJson = ARGV[10], callId = ARGV[11], deadline = ARGV[12], now = ARGV[13], rowId = ARGV[16],
}
local failed = dialCheck(sess, d)
if failed then return failed end
local changed = {}
-- The lead's index entry and the call's deadline (the index's timeout band): one ZADD.
leadIndexDefer()
local v = dialWrite(sess, d, changed)
appendCollectedPatches(d.now)
leadIndexFlush()
redis.call('HSET', KEYS[2], unpack(sessionSetArgs(sess, changed)))
leadChanged(ARGV[14], ARGV[15], ARGV[16])
return { v, countersOf(sess, 'n:') }
