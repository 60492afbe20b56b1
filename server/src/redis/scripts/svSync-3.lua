--[[
  Supervisor console: one instance's periodic merge into the figures every instance shares, answering only
  what changed since the caller's last merge (a version counter and a sorted set of changed fields), so a
  sync with nothing new costs a few commands on either side whatever the number of tabs.
  Every instance sees every agent event, so each counts the same dispositions per hour and the same
  webhooks: counts and times are merged by max (the most complete wins; a restarted instance catches up
  from the others). Tab lead-progress summaries are replaced by the instance that has the tab loaded; a
  keep-alive rewrite (only its "at" moved) changes no version. With prune set, entries older than the keep
  windows are dropped, and every caller behind that gets the whole hash once.

  Input:
    KEYS[1] the console's shared hash (supervisor/keys.ts svKeys.shared)
    KEYS[2] ZSET field -> version at which it last changed (svKeys.changes)
    KEYS[3] HASH meta: epoch (set when the hash is created), v (version), pruned (version of the last
            deletion), watchedUntil (max-merged) (svKeys.meta)
    ARGV[1] now (epoch ms)
    ARGV[2] keepTabMs: a tab summary whose "at" is older than now - keepTabMs is dropped (with prune)
    ARGV[3] keepHourMs: an hour field whose start is older than now - keepHourMs is dropped (with prune);
            also the TTL of the three keys
    ARGV[4] this instance's last accepted webhook (epoch ms, 0 = none)
    ARGV[5] the epoch the caller last saw ('' = none)
    ARGV[6] since: the caller holds every change up to this version
    ARGV[7] prune: '1' drops aged entries in this call
    ARGV[8] watchedUntil: epoch ms until which a viewer on the caller's instance wants figures (0 = none)
    ARGV[9] T, the number of tab entries that follow
    ARGV[10 .. 9+3T] tab field name ("tab:<tag>|<campaign>"), its JSON (with a numeric "at"), '1' when its
            content changed or '0' for a keep-alive
    ARGV[10+3T ..] hour field name ("hour:<startMs>:<code>:<campaign>"), count  (pairs)

  Output:
    { epoch, version, full ('1' = the whole hash follows, '0' = only fields changed after since and before
      this call: the caller holds what it wrote in it), watchedUntil, field1, value1, field2, value2, ... }
]]
local key, changes, meta = KEYS[1], KEYS[2], KEYS[3]
local now = tonumber(ARGV[1])
local keepTab = tonumber(ARGV[2])
local keepHour = tonumber(ARGV[3])
local webhookAt = tonumber(ARGV[4])
local since = tonumber(ARGV[6]) or 0
local t = tonumber(ARGV[9])

local epoch = redis.call('HGET', meta, 'epoch')
if not epoch then
  epoch = tostring(now)
  redis.call('HSET', meta, 'epoch', epoch, 'v', 0, 'pruned', 0)
end
local v = tonumber(redis.call('HGET', meta, 'v') or '0')
local pruned = tonumber(redis.call('HGET', meta, 'pruned') or '0')
local ver = v + 1
local bumped = false

local function touch(field)
  redis.call('ZADD', changes, ver, field)
  bumped = true
end

local function setMax(field, value)
  local cur = tonumber(redis.call('HGET', key, field) or '0')
  if value > cur then
    redis.call('HSET', key, field, value)
    touch(field)
  end
end

if webhookAt > 0 then setMax('webhookAt', webhookAt) end
-- The tab summaries in a few variadic commands, not two or three per tab (at 500 agents about every tab
-- changes between two idle syncs a minute apart: 1,000 commands a minute): one HSET of them all, one ZADD
-- of the changed ones at this version, one ZADD NX of the keep-alives (a field the ZSET lost is told
-- again: the ZSCORE check it replaces). Chunks bound unpack() by Lua's stack.
local base = 10
local CHUNK = 500
for c = 0, t - 1, CHUNK do
  local last = math.min(c + CHUNK, t) - 1
  local hset, changed, kept = {}, {}, {}
  for i = c, last do
    local f = ARGV[base + 3 * i]
    hset[#hset + 1] = f
    hset[#hset + 1] = ARGV[base + 3 * i + 1]
    local into = ARGV[base + 3 * i + 2] == '1' and changed or kept
    into[#into + 1] = ver
    into[#into + 1] = f
  end
  redis.call('HSET', key, unpack(hset))
  if #changed > 0 then
    redis.call('ZADD', changes, unpack(changed))
    bumped = true
  end
  if #kept > 0 and redis.call('ZADD', changes, 'NX', unpack(kept)) > 0 then bumped = true end
end
local i = base + 3 * t
while i < #ARGV do
  setMax(ARGV[i], tonumber(ARGV[i + 1]))
  i = i + 2
end

if ARGV[7] == '1' then
  local all = redis.call('HGETALL', key)
  for j = 1, #all, 2 do
    local f, val = all[j], all[j + 1]
    local drop = false
    if string.sub(f, 1, 4) == 'tab:' then
      local ok, doc = pcall(cjson.decode, val)
      drop = (not ok) or type(doc) ~= 'table' or tonumber(doc.at or 0) < now - keepTab
    elseif string.sub(f, 1, 5) == 'hour:' then
      local start = tonumber(string.match(f, '^hour:(%d+):'))
      drop = start == nil or start < now - keepHour
    end
    if drop then
      redis.call('HDEL', key, f)
      redis.call('ZREM', changes, f)
      pruned = ver
      bumped = true
    end
  end
end

if bumped then
  v = ver
  redis.call('HSET', meta, 'v', v, 'pruned', pruned)
end
local watched = tonumber(redis.call('HGET', meta, 'watchedUntil') or '0')
local want = tonumber(ARGV[8])
if want > watched then
  watched = want
  redis.call('HSET', meta, 'watchedUntil', watched)
end
for _, k in ipairs({ key, changes, meta }) do redis.call('PEXPIRE', k, keepHour) end

local full = ARGV[5] ~= epoch or since < pruned or since > v
local out = { epoch, tostring(v), full and '1' or '0', tostring(watched) }
if full then
  local all = redis.call('HGETALL', key)
  for j = 1, #all do out[#out + 1] = all[j] end
else
  -- Not the fields this call changed (score ver): the caller sent them. Every tab it keeps loaded changes
  -- about once a minute at realistic pace, and reading its own 500 tabs back cost 500 HGET and their JSON.
  local fields = redis.call('ZRANGEBYSCORE', changes, '(' .. since, '(' .. ver)
  for _, f in ipairs(fields) do
    local val = redis.call('HGET', key, f)
    if val then
      out[#out + 1] = f
      out[#out + 1] = val
    end
  end
end
return out
