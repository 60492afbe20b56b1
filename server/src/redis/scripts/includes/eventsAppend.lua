--[[
  The agent's event append (server/src/events/redis-bus.ts, docs/coordinator-state.md "Agent events"):
  a step's events go to the agent's home stream as ONE entry (field `es` = the JSON array, `at` = the
  time) and are announced in ONE notice on the global channel, so the hub of every instance delivers them
  live. The stream is in the agent's home slot: the tab of its latest session ({t:…}, so the transition
  that makes the step appends it in the same script) or, for an agent that never had one, its lobby
  ({a:…}).

  The stream is its own counter: the entry id is `0-<k>`, k = the previous entry's k + 1 (XADD `0-*`, one
  command; the stream keeps its last id when MAXLEN trims it), and event i of step k gets the seq
  k * 64 + i (keys.ts EVENTS_PER_STEP; a step holds at most 63 events: index 63 is never an event's).

  eventsAppend(streamKey, at, maxLen, channel, email, fresh, events, leads) -> the step's last seq
    events: a Lua array of event JSON strings (1..63).
    leads: nil, or a lead-change notice's JSON (includes/dialerLead.lua leadsNotice) told in the same
    notice as `"leads":…` after the events (the step changed leads: a disposition and its chained dial),
    so one PUBLISH serves the agent's sockets and every instance's lead-change listeners
    (events/notice-text.ts noticeLeads).
    fresh: the step a stream that does not exist yet starts at (NOMKSTREAM answered nil: the rare path).
    It is `at` (epoch ms): its seqs (~1.1e14) lie above every seq of the layout before (~1.7e12) and of a
    home created earlier (its step started at its own creation time and grows by one per step), so a
    client holding one sees a hole and resyncs, never a seq it would drop as already seen. A home a
    session moves to is created (or lifted) by eventsRebase before its first step.
    Numbers are written with %d: tostring would print large numbers in exponent form.
]]
local EVENTS_MAX = 63

-- A script that writes before it appends checks its events' count first (eventsCheck), so a step too
-- large is refused before anything is written.
local function eventsCheck(n)
  if n > EVENTS_MAX then error('a step holds at most ' .. EVENTS_MAX .. ' events, not ' .. n) end
end

local function eventsAppend(streamKey, at, maxLen, channel, email, fresh, events, leads)
  local n = #events
  if n < 1 then error('a step holds at least one event') end
  eventsCheck(n)
  local es = '[' .. table.concat(events, ',') .. ']'
  local id = redis.call('XADD', streamKey, 'NOMKSTREAM', 'MAXLEN', '~', maxLen, '0-*', 'at', at, 'es', es)
  if not id then
    id = redis.call('XADD', streamKey, 'MAXLEN', '~', maxLen,
      '0-' .. string.format('%d', math.max(1, math.floor(tonumber(fresh)))), 'at', at, 'es', es)
  end
  local first = tonumber(string.sub(id, 3)) * 64
  local parts = {}
  for i = 1, n do
    parts[i] = '{"seq":' .. string.format('%d', first + i - 1) .. ',"event":' .. events[i] .. '}'
  end
  local tail = ']}'
  if leads then tail = '],"leads":' .. leads .. '}' end
  redis.call('PUBLISH', channel, '{"email":' .. cjson.encode(email) .. ',"at":' .. at .. ',"events":['
    .. table.concat(parts, ',') .. tail)
  return first + n - 1
end
