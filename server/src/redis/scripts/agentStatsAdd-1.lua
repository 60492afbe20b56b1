--[[
  Adds to an agent's lifetime counters in one step (one HGETALL, one HSET: countersAdd), however many
  figures move: a disposition and its chained dial are one call of this script.

  Input:
    KEYS[1] agent stats HASH (keys.agentStats)
    ARGV[1] counters JSON: { field: integer } (initiated, completed, connects, talkMs, skips, successes,
            d:<code>); zero fields are left out by the caller
    ARGV[2] `since` to set when the hash has none (epoch ms), or ""

  Output:
    1
]]
--- @include "countersAdd"
local since = {}
if ARGV[2] ~= '' then since.since = ARGV[2] end
countersAdd(KEYS[1], cjson.decode(ARGV[1]), since)
return 1
