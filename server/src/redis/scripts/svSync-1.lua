--[[
  Supervisor console: one instance's periodic merge into the figures every instance shares.
  Every instance sees every agent event, so each counts the same dispositions per hour and the same
  webhooks: counts and times are merged by max (the most complete wins; a restarted instance catches up
  from the others). Tab lead-progress summaries are replaced by the instance that has the tab loaded.
  Entries older than the keep windows are dropped.

  Input:
    KEYS[1] the console's shared hash (supervisor/keys.ts svShared)
    ARGV[1] now (epoch ms)
    ARGV[2] keepTabMs: a tab summary whose "at" is older than now - keepTabMs is dropped
    ARGV[3] keepHourMs: an hour field whose start is older than now - keepHourMs is dropped
    ARGV[4] this instance's last accepted webhook (epoch ms, 0 = none)
    ARGV[5] T, the number of tab entries that follow
    ARGV[6 .. 5+2T] tab field name ("tab:<tag>|<campaign>"), its JSON (with a numeric "at")
    ARGV[6+2T ..] hour field name ("hour:<startMs>:<code>"), count  (pairs)

  Output:
    the whole hash after the merge, as HGETALL returns it (flat field, value list)
]]
local key = KEYS[1]
local now = tonumber(ARGV[1])
local keepTab = tonumber(ARGV[2])
local keepHour = tonumber(ARGV[3])
local webhookAt = tonumber(ARGV[4])
local t = tonumber(ARGV[5])

local function setMax(field, value)
  local cur = tonumber(redis.call('HGET', key, field) or '0')
  if value > cur then redis.call('HSET', key, field, value) end
end

if webhookAt > 0 then setMax('webhookAt', webhookAt) end
for i = 0, t - 1 do
  redis.call('HSET', key, ARGV[6 + 2 * i], ARGV[7 + 2 * i])
end
local i = 6 + 2 * t
while i < #ARGV do
  setMax(ARGV[i], tonumber(ARGV[i + 1]))
  i = i + 2
end

local all = redis.call('HGETALL', key)
local out = {}
for j = 1, #all, 2 do
  local f, v = all[j], all[j + 1]
  local drop = false
  if string.sub(f, 1, 4) == 'tab:' then
    local ok, doc = pcall(cjson.decode, v)
    drop = (not ok) or type(doc) ~= 'table' or tonumber(doc.at or 0) < now - keepTab
  elseif string.sub(f, 1, 5) == 'hour:' then
    local start = tonumber(string.match(f, '^hour:(%d+):'))
    drop = start == nil or start < now - keepHour
  end
  if drop then
    redis.call('HDEL', key, f)
  else
    out[#out + 1] = f
    out[#out + 1] = v
  end
end
redis.call('PEXPIRE', key, keepHour)
return out
