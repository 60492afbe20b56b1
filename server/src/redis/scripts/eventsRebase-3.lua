--[[
  Makes an agent's new home stream continue above everything its previous home issued: the stream's last
  step becomes max(its own, the previous home's last step), so its next step lies above every seq the
  agent's client may hold (each home starts above the one before, so above all of them). A missing stream
  is created empty with the last step max(previous home's last step, now ms - 1), above every seq of the
  layout before too (an XADD of a placeholder entry trimmed at once, MAXLEN 0, which leaves the stream
  with that last id). The stream keeps no expiry (a home the agent left was given one: it may come back
  to it). The same agent's keys of the layout before step ids in this tab, if any, are deleted. Run when a session of the
  agent starts on another tab than its previous home, or on its home whose stream is missing (redis-bus.ts
  rehome), before the home pointer moves.

  Input:
    KEYS[1] the new home's stream (keys.agentEvents(tag, email))
    KEYS[2] KEYS[3] the agent's stream and seq counter of the layout before (keys.legacyAgentEvents)
    ARGV[1] the previous home's last step (0: none)
    ARGV[2] now (epoch ms)

  Output: the stream's last step after the call (its seqs so far end at last * 64 + 63)
]]
redis.call('DEL', KEYS[2], KEYS[3])
local base = math.floor(tonumber(ARGV[1]))
if redis.call('EXISTS', KEYS[1]) == 0 then
  base = math.max(base, math.floor(tonumber(ARGV[2])) - 1, 1)
  redis.call('XADD', KEYS[1], 'MAXLEN', '0', '0-' .. string.format('%d', base), 'es', '[]')
  return base
end
local info = redis.call('XINFO', 'STREAM', KEYS[1])
local last = 0
for i = 1, #info, 2 do
  if info[i] == 'last-generated-id' then last = tonumber(string.sub(info[i + 1], 3)) end
end
redis.call('PERSIST', KEYS[1])
if last >= base then return last end
redis.call('XSETID', KEYS[1], '0-' .. string.format('%d', base))
return base
