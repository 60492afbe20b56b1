--[[
  countersAdd(statsKey, add, setIfMissing?) -> the stats hash's fields after the update (flat list)

  Adds the counters of `add` (field -> integer) to a stats HASH (keys.sessionStats, keys.agentStats) with one
  HGETALL and one HSET, however many counters move (one HINCRBY per counter was the hot path's largest
  cost), and returns every field so the caller can show live stats without reading them again.
  `setIfMissing` (field -> value, optional) is written only where the hash has no value yet (e.g. `since`).
]]
local function countersAdd(statsKey, add, setIfMissing)
  local flat = redis.call('HGETALL', statsKey)
  local cur = {}
  for i = 1, #flat, 2 do cur[flat[i]] = flat[i + 1] end
  local set = {}
  for k, n in pairs(add) do
    cur[k] = tostring((tonumber(cur[k]) or 0) + n)
    set[#set + 1] = k
    set[#set + 1] = cur[k]
  end
  for k, val in pairs(setIfMissing or {}) do
    if (cur[k] or '') == '' then
      cur[k] = tostring(val)
      set[#set + 1] = k
      set[#set + 1] = cur[k]
    end
  end
  if #set > 0 then redis.call('HSET', statsKey, unpack(set)) end
  local out = {}
  for k, val in pairs(cur) do
    out[#out + 1] = k
    out[#out + 1] = val
  end
  return out
end
