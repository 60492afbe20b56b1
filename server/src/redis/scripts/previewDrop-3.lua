--[[
  Drops the session's pending preview without touching the lead: its claim lapsed (another session may own
  the lead now) or the lead is no longer dialable. The claim is released only if it is still exactly this
  preview's, so another session's claim is never deleted.

  Input:
    KEYS[1] session lock     ARGV[1] lock owner token   ARGV[5] lead-change channel
    KEYS[2] session hash     ARGV[2] previewId          ARGV[6] tab tag
    KEYS[3] lead hash (claim) ARGV[3] claim "<sid>|p:<id>" ARGV[7] rowId
                             ARGV[4] now (epoch ms)

  Output:
    1 dropped   0 that preview is not the pending one (nothing changed)
    -2 lock not owned   -1 session missing
]]
--- @include "dialerLead"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -2 end
local s = redis.call('HMGET', KEYS[2], 'state', 'preview')
if not s[1] then return -1 end
local preview = s[2] or ''
if preview == '' then return 0 end
local p = cjson.decode(preview)
if p.previewId ~= ARGV[2] or p.rowId ~= ARGV[7] then return 0 end
redis.call('HSET', KEYS[2], 'preview', '', 'updatedAt', ARGV[4])
redis.call('HINCRBY', KEYS[2], 'version', 1)
if leadClaim(KEYS[3], ARGV[4]) == ARGV[3] then claimSet(KEYS[3], '') end
leadChanged(ARGV[5], ARGV[6], ARGV[7])
return 1
