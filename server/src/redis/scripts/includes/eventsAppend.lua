--[[
  The agent's event append (server/src/events/redis-bus.ts, docs/coordinator-state.md "Agent events"):
  a step's events go to the agent's home stream as ONE entry whose id is the step's last seq (field `es` =
  the JSON array, seqs last-n+1..last; `at` = the time) and are announced in ONE notice on the global
  channel, so the hub of every instance delivers them live. The stream and its seq counter are in the
  agent's home slot: the tab of its latest session ({t:…}, so the transition that makes the step appends
  it in the same script) or, for an agent that never had one, the agent's lobby ({a:…}).

  eventsAppend(streamKey, seqKey, at, maxLen, channel, email, fresh, events) -> the last seq
    events: a Lua array of event JSON strings (n >= 1).
    fresh: where a counter that does not exist yet starts. A tab stream's is `at` (epoch ms): it lies
    above every seq an earlier home gave this agent, so a client holding one sees a hole and resyncs
    (never a seq it would drop as already seen). The lobby's is 0 (its agent never had a home).
    Seqs are written with %d: tostring would print large numbers in exponent form.
]]
local function eventsAppend(streamKey, seqKey, at, maxLen, channel, email, fresh, events)
  local n = #events
  local last = redis.call('INCRBY', seqKey, n)
  if last == n and tonumber(fresh) > 0 then
    last = math.floor(tonumber(fresh)) + n
    redis.call('SET', seqKey, string.format('%d', last))
  end
  local parts = {}
  for i = 1, n do
    parts[i] = '{"seq":' .. string.format('%d', last - n + i) .. ',"event":' .. events[i] .. '}'
  end
  redis.call('XADD', streamKey, 'MAXLEN', '~', maxLen, string.format('%d', last) .. '-0', 'at', at,
    'es', '[' .. table.concat(events, ',') .. ']')
  redis.call('PUBLISH', channel, '{"email":' .. cjson.encode(email) .. ',"at":' .. at .. ',"events":['
    .. table.concat(parts, ',') .. ']}')
  return last
end
