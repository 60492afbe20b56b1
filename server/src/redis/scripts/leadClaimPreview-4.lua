--[[
  Preview mode: claims the picked lead for the session (lease) without dialing it, and records the
  pending preview on the session.

  Input:
    KEYS[1] session lock
    KEYS[2] session hash
    KEYS[3] lead hash (its claim `c`: "<sessionId>|p:<previewId>|<expiresAt>", includes/dialerLead)
    KEYS[4] do-not-call SET
    ARGV[1] lock owner token
    ARGV[2] expected lead version
    ARGV[3] claim prefix "<sessionId>|"
    ARGV[4] number to dial (E.164)
    ARGV[5] claim "<sessionId>|p:<previewId>" (leased until now + ARGV[6])
    ARGV[6] lease ms
    ARGV[7] preview JSON (PendingPreview)
    ARGV[8] now (epoch ms)
    ARGV[9] lead-change channel
    ARGV[10] tab tag
    ARGV[11] rowId

  Output:
    the lead version
    -2 lock not owned   -1 session missing   -11 session not in PLAY
    -7 the session has a call   -10 the session already has a pending preview
    -4 lead version mismatch   -5 lead claimed by another session   -6 number on the do-not-call list
]]
--- @include "dialerLead"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -2 end
local s = redis.call('HMGET', KEYS[2], 'state', 'callId', 'preview')
if not s[1] then return -1 end
if s[1] ~= 'PLAY' then return -11 end
if (s[2] or '') ~= '' then return -7 end
if (s[3] or '') ~= '' then return -10 end
if not leadVersionIs(KEYS[3], ARGV[2]) then return -4 end
if leadClaim(KEYS[3], ARGV[8]) and not claimIsOurs(KEYS[3], ARGV[3], ARGV[8]) then return -5 end
if redis.call('SISMEMBER', KEYS[4], ARGV[4]) == 1 then return -6 end
claimSet(KEYS[3], claimValue(ARGV[5], ARGV[8], ARGV[6]))
redis.call('HSET', KEYS[2], 'preview', ARGV[7], 'updatedAt', ARGV[8])
redis.call('HINCRBY', KEYS[2], 'version', 1)
leadChanged(ARGV[9], ARGV[10], ARGV[11])
return leadVersionRead[KEYS[3]]
