--[[
  Compare-and-set of one lead's dialer-owned state, with its sheet patch queued in the same step
  (e.g. a number found on the do-not-call list at dial time becomes SKIPPED / DO_NOT_CALL).

  Input:
    KEYS[1] lead hash (keys.lead)
    KEYS[2] tab lead index ZSET (keys.leadIndex)
    KEYS[3] tab write-behind queue STREAM (keys.sheetQueue; caller SADDed keys.sheetQueueTabs first)
    ARGV[1] expected lead version (0 = no overlay yet)
    ARGV[2] owned state JSON
    ARGV[3] sheet patch JSON, or "" for none
    ARGV[4] now (epoch ms)
    ARGV[5] lead-change channel
    ARGV[6] tab tag
    ARGV[7] rowId

  Output:
    new lead version
    -4 version mismatch (someone changed the lead: re-read)
]]
--- @include "dialerLead"
--- @include "enqueuePatch"
if not leadVersionIs(KEYS[1], ARGV[1]) then return -4 end
local v = leadWrite(KEYS[1], KEYS[2], ARGV[7], ARGV[2], ARGV[4])
if ARGV[3] ~= '' then enqueuePatch(KEYS[3], ARGV[3], ARGV[4]) end
leadChanged(ARGV[5], ARGV[6], ARGV[7])
return v
