--[[
  STOP: ends a session and releases the lead claim of its pending preview. A live call keeps its claim
  (its disposition is still accepted after STOP; the claim ends with it or expires).

  Input:
    KEYS[1] session hash
    KEYS[2] the pending preview's lead hash (its claim `c`; any key of the tab's slot when there is none)
    ARGV[1] now (epoch ms)
    ARGV[2] rowId of the pending preview as the caller read it, or ""
    ARGV[3] claim prefix "<sessionId>|"
    ARGV[4] lead-change channel
    ARGV[5] tab tag
    ARGV[6..] allowed source states

  Output:
    new session version
    -1 session missing
    -3 current state is not an allowed source
    -4 the pending preview changed since the caller read it (read again and retry)
]]
--- @include "dialerLead"
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return -1 end
local allowed = false
for i = 6, #ARGV do
  if ARGV[i] == state then allowed = true end
end
if not allowed then return -3 end
local preview = redis.call('HGET', KEYS[1], 'preview') or ''
local previewRow = ''
if preview ~= '' then previewRow = cjson.decode(preview).rowId end
if previewRow ~= ARGV[2] then return -4 end
if previewRow ~= '' and claimIsOurs(KEYS[2], ARGV[3], ARGV[1]) then
  claimSet(KEYS[2], '')
  leadChanged(ARGV[4], ARGV[5], previewRow)
end
redis.call('HSET', KEYS[1], 'state', 'STOP', 'endedAt', ARGV[1], 'preview', '', 'updatedAt', ARGV[1])
return redis.call('HINCRBY', KEYS[1], 'version', 1)
