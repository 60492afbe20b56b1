--[[
  Makes an agent's new home stream continue above everything its previous home issued: the counter
  becomes max(counter, floor), created if missing, and the stream and counter keep no expiry (a home the
  agent left was given one: it may come back to it). Run when an agent's session starts on another tab
  than its previous home (redis-bus.ts rehome), before the home pointer moves.

  Input:
    KEYS[1] the new home's seq counter (keys.agentSeq(tag, email))
    KEYS[2] the new home's stream (keys.agentEvents(tag, email))
    ARGV[1] floor: max(now ms, the previous home's last seq + 1)

  Output: the counter after the call
]]
redis.call('PERSIST', KEYS[2])
local cur = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local floor = tonumber(ARGV[1])
if cur >= floor then
  redis.call('PERSIST', KEYS[1])
  return cur
end
redis.call('SET', KEYS[1], string.format('%d', floor))
return floor
