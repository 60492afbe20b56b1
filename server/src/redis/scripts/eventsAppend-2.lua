--[[
  Appends one step's events to an agent's home stream and announces them (includes/eventsAppend).

  Input:
    KEYS[1] the agent's event stream (keys.agentEvents(tag, email) or keys.agentLobbyEvents(email))
    KEYS[2] its seq counter (keys.agentSeq / keys.agentLobbySeq, same slot)
    ARGV[1] at (epoch ms)
    ARGV[2] MAXLEN (approximate retention, entries)
    ARGV[3] notice channel (keys.agentEventsChannel())
    ARGV[4] agent email (lower case)
    ARGV[5] where a missing counter starts (`at` for a tab stream, 0 for the lobby)
    ARGV[6..] event JSONs, in order (at least one)

  Output: the step's last seq
]]
--- @include "eventsAppend"
local events = {}
for i = 6, #ARGV do events[#events + 1] = ARGV[i] end
return eventsAppend(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], events)
