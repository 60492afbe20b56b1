--[[
  Counters (stats) in a HASH, each figure one field `<prefix><name>` (initiated, completed, connects,
  talkMs, skips, successes, d:<code>, since): the session's live in its session hash under `n:`, next to
  the fields the transition reads and writes anyway (one HGETALL, one HSET for both); the agent's in
  keys.agentStats with no prefix. One read and one write however many figures move (one HINCRBY per
  figure was the hot path's largest cost).

  countersApply(cur, add, setIfMissing, prefix, set): adds `add` (name -> integer) to the table `cur`
    (the hash as read), sets `setIfMissing` (name -> value) where `cur` has none, and appends every
    changed field and value to the HSET argument list `set`.
  countersOf(cur, prefix) -> flat list { name, value, ... } of the counters in `cur` (prefix removed).
  countersAdd(key, add, setIfMissing) -> countersOf after the update: read, apply, write a hash that holds
    only counters (no prefix).
]]
local function countersApply(cur, add, setIfMissing, prefix, set)
  for k, n in pairs(add) do
    local f = prefix .. k
    cur[f] = tostring((tonumber(cur[f]) or 0) + n)
    set[#set + 1] = f
    set[#set + 1] = cur[f]
  end
  for k, val in pairs(setIfMissing or {}) do
    local f = prefix .. k
    if (cur[f] or '') == '' then
      cur[f] = tostring(val)
      set[#set + 1] = f
      set[#set + 1] = cur[f]
    end
  end
end

local function countersOf(cur, prefix)
  local out = {}
  for f, val in pairs(cur) do
    if string.sub(f, 1, #prefix) == prefix then
      out[#out + 1] = string.sub(f, #prefix + 1)
      out[#out + 1] = val
    end
  end
  return out
end

local function countersAdd(key, add, setIfMissing)
  local flat = redis.call('HGETALL', key)
  local cur = {}
  for i = 1, #flat, 2 do cur[flat[i]] = flat[i + 1] end
  local set = {}
  countersApply(cur, add, setIfMissing, '', set)
  if #set > 0 then redis.call('HSET', key, unpack(set)) end
  return countersOf(cur, '')
end
