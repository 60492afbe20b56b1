--[[
  Appends one step's events to an agent's home stream and announces them (includes/eventsAppend), and
  releases a session lock of the same tab for its owner, in the same step: after a disposition's chained
  dial, what Dialpad answered is told and the lock the disposition's script took is given back with one
  script (the session, its lock and the agent's home stream are all in the tab's slot).

  Input:
    KEYS[1] the agent's event stream (keys.agentEvents(tag, email))
    KEYS[2] its seq counter (keys.agentSeq(tag, email))
    KEYS[3] the session lock (keys.sessionLock(tag, sessionId))
    ARGV[1] at (epoch ms)          ARGV[4] agent email (lower case)
    ARGV[2] MAXLEN                 ARGV[5] where a missing counter starts (`at`)
    ARGV[3] notice channel         ARGV[6] the lock's owner token
    ARGV[7..] event JSONs, in order (none: only the lock is released)

  Output: { the step's last seq (0 when no event), 1 if the lock was released (0: not the owner, expired) }
]]
--- @include "eventsAppend"
local released = 0
if redis.call('GET', KEYS[3]) == ARGV[6] then
  redis.call('DEL', KEYS[3])
  released = 1
end
local events = {}
for i = 7, #ARGV do events[#events + 1] = ARGV[i] end
local last = 0
if #events > 0 then
  last = eventsAppend(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], events)
end
return { last, released }
