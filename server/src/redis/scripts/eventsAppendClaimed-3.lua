--[[
  The same append, after recording a webhook's event id (its dedupe record, in the call's tab slot).

  Input:
    KEYS[1] the agent's event stream   KEYS[2] its seq counter   KEYS[3] keys.callEvent(tag, eventId)
    ARGV[1..5] as eventsAppend-2 (at, MAXLEN, channel, email, where a missing counter starts)
    ARGV[6] TTL ms of the record
    ARGV[7] "1": append only if the id is new
    ARGV[8..] event JSONs

  Output: the last seq, or -1 (the id was recorded before and ARGV[6] = "1": nothing appended)
]]
--- @include "eventsAppend"
local first = redis.call('SET', KEYS[3], ARGV[1], 'NX', 'PX', ARGV[6])
if not first and ARGV[7] == '1' then return -1 end
local events = {}
for i = 8, #ARGV do events[#events + 1] = ARGV[i] end
return eventsAppend(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], events)
