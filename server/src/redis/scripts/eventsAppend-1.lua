--[[
  Appends one step's events to an agent's home stream and announces them (includes/eventsAppend).

  Input:
    KEYS[1] the agent's event stream (keys.agentEvents(tag, email) or keys.agentLobbyEvents(email))
    ARGV[1] at (epoch ms)
    ARGV[2] MAXLEN (approximate retention, entries)
    ARGV[3] notice channel (keys.agentEventsChannel())
    ARGV[4] agent email (lower case)
    ARGV[5..] event JSONs, in order (1 to 63)

  Output: the step's last seq (its step * 64 + its events - 1)
]]
--- @include "eventsAppend"
local events = {}
for i = 5, #ARGV do events[#events + 1] = ARGV[i] end
return eventsAppend(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[1], events)
