--[[
  Changing the last disposition (issue 10): re-writes the lead as if the right code had been chosen, over
  the state callDispose kept with the call (field `pre`, decided by src-shared/domain/amend.ts in the
  service), and corrects what the first code did: the call's disposition, the session's counters, the
  do-not-call set, and the sheet (a patch queued after the first one: the later write wins). Refused, with
  nothing written, when the window since the disposition passed, when the call is not the last one its
  session disposed, or when the lead changed after the disposition (another write bumped its version:
  dialed again, skipped, re-read with a person's edit by another instance's write...).
  Checks first, writes after; `now` is passed in. The session's current call is never touched.

  Input:
    KEYS[1] call hash        KEYS[4] tab lead index ZSET
    KEYS[2] session hash (its counters are its `n:` fields, includes/countersAdd)
    KEYS[3] lead hash        KEYS[5] do-not-call SET
                             KEYS[6] tab write-behind queue STREAM (caller SADDed sheetQueueTabs)
    ARGV[1] callId                     ARGV[9]  sheet patch JSON (with the call log's correcting row), or ""
    ARGV[2] agent email (lower case)   ARGV[10] success counter delta (-1, 0 or 1)
    ARGV[3] now (epoch ms)             ARGV[11] the dialed number (E.164)
    ARGV[4] window (ms)                ARGV[12] do-not-call change: ADD, REMOVE or ""
    ARGV[5] lead version the service read from the call (`leadV`)
    ARGV[6] code the service read from the call      ARGV[13] lead-change channel
    ARGV[7] the new code                             ARGV[14] tab tag
    ARGV[8] the lead's new owned state JSON          ARGV[15] rowId

  Output:
    { new lead version, number of changes of this call so far }
    -8 call missing     -30 agent mismatch     -31 not disposed, or disposed without a lead write
    -32 window passed   -33 not the session's last disposed call
    -34 the lead changed after the disposition   -4 the caller's read of the call is stale (read again)
]]
--- @include "dialerLead"
--- @include "enqueuePatch"
local c = redis.call('HMGET', KEYS[1], 'agentEmail', 'state', 'disposition', 'disposedAt', 'pre', 'leadV')
if not c[1] then return -8 end
if string.lower(c[1]) ~= ARGV[2] then return -30 end
if c[2] ~= 'DISPOSED' or (c[5] or '') == '' or not c[6] then return -31 end
if tonumber(ARGV[3]) - tonumber(c[4]) > tonumber(ARGV[4]) then return -32 end
if redis.call('HGET', KEYS[2], 'lastCall') ~= ARGV[1] then return -33 end
if c[6] ~= ARGV[5] or c[3] ~= ARGV[6] then return -4 end
if not leadVersionIs(KEYS[3], c[6]) then return -34 end

local v = leadWrite(KEYS[3], KEYS[4], ARGV[15], ARGV[8], ARGV[3])
redis.call('HSET', KEYS[1], 'disposition', ARGV[7], 'leadV', v, 'amendedAt', ARGV[3])
redis.call('HSETNX', KEYS[1], 'firstDisposition', ARGV[6])
local n = redis.call('HINCRBY', KEYS[1], 'amends', 1)
redis.call('HINCRBY', KEYS[2], 'n:d:' .. ARGV[6], -1)
redis.call('HINCRBY', KEYS[2], 'n:d:' .. ARGV[7], 1)
if ARGV[10] ~= '0' then redis.call('HINCRBY', KEYS[2], 'n:successes', tonumber(ARGV[10])) end
if ARGV[12] == 'ADD' then redis.call('SADD', KEYS[5], ARGV[11]) end
if ARGV[12] == 'REMOVE' then redis.call('SREM', KEYS[5], ARGV[11]) end
if ARGV[9] ~= '' then enqueuePatch(KEYS[6], ARGV[9], ARGV[3]) end
leadChanged(ARGV[13], ARGV[14], ARGV[15])
return { v, n }
