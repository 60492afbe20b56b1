--[[
  STOP: ends a session and releases the lead claim of its pending preview. A live call keeps its claim
  (its disposition is still accepted after STOP; the claim ends with it or expires). Folds the session's
  counters (its `n:` fields) into the agent's counters in this tab (includes/countersAdd): while a session
  runs, only its own hash counts (no command of the agent's counters per call); once it is STOP, whatever
  still moves its counters (a late disposition, a change of the last one, a reverted dial) writes both.

  Input:
    KEYS[1] session hash
    KEYS[2] the pending preview's lead hash (its claim `c`; any key of the tab's slot when there is none)
    KEYS[3] the agent's counters in this tab (keys.agentTabStats)
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
--- @include "countersAdd"
local flat = redis.call('HGETALL', KEYS[1])
if #flat == 0 then return -1 end
local sess = {}
for i = 1, #flat, 2 do sess[flat[i]] = flat[i + 1] end
local state = sess.state
local allowed = false
for i = 6, #ARGV do
  if ARGV[i] == state then allowed = true end
end
if not allowed then return -3 end
local preview = sess.preview or ''
local previewRow = ''
if preview ~= '' then previewRow = cjson.decode(preview).rowId end
if previewRow ~= ARGV[2] then return -4 end
if previewRow ~= '' and claimIsOurs(KEYS[2], ARGV[3], ARGV[1]) then
  claimSet(KEYS[2], '')
  leadChanged(ARGV[4], ARGV[5], previewRow)
end
local add, since = {}, nil
for f, val in pairs(sess) do
  if f == 'n:since' then
    since = { since = val }
  elseif string.sub(f, 1, 2) == 'n:' and (tonumber(val) or 0) ~= 0 then
    add[string.sub(f, 3)] = tonumber(val)
  end
end
if next(add) ~= nil or since then countersAdd(KEYS[3], add, since) end
local version = (tonumber(sess.version) or 0) + 1
redis.call('HSET', KEYS[1], 'state', 'STOP', 'endedAt', ARGV[1], 'preview', '', 'updatedAt', ARGV[1],
  'version', version)
return version
