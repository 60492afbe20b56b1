--[[
  Appends one step's events to an agent's home stream and announces them (includes/eventsAppend), and
  releases a session lock of the same tab for its owner, in the same step: after a dial's Dialpad leg, what
  Dialpad's answer adds is told and the lock the dial's request took is given back with one script (the
  session, its lock and the agent's home stream are all in the tab's slot). A disposition's chained dial
  that Dialpad placed has nothing to add (callDispose told it): its leg does not run this script and lets
  the lock expire (callDispose-13.lua, "Chain").

  Input:
    KEYS[1] the agent's event stream (keys.agentEvents(tag, email))
    KEYS[2] the session lock (keys.sessionLock(tag, sessionId))
    ARGV[1] at (epoch ms)          ARGV[4] agent email (lower case)
    ARGV[2] MAXLEN                 ARGV[5] the lock's owner token
    ARGV[3] notice channel         ARGV[6] the lock's TTL (ms): a holder's token put back gets it
    ARGV[7..] event JSONs, in order (none: only the lock is released; at most 63)

  The release is one GETDEL (a compare-and-delete in one command): when the value taken was not the
  owner's (rare: its lease ended and another request took the lock), it is put back at once with a full TTL,
  in the same atomic step. The lock never has two holders, and every holder uses the same TTL
  (ServiceContext.lockTtlMs), so the other holder's lease is never shortened; it may last up to one TTL
  longer than it would have (it renews it anyway; if it died in that instant, its lock ends one TTL later).

  Output: { the step's last seq (0 when no event), 1 if the lock was released (0: not the owner, expired) }
]]
--- @include "eventsAppend"
eventsCheck(#ARGV - 6)
local released = 0
local held = redis.call('GETDEL', KEYS[2])
if held == ARGV[5] then
  released = 1
elseif held then
  redis.call('SET', KEYS[2], held, 'PX', ARGV[6])
end
local events = {}
for i = 7, #ARGV do events[#events + 1] = ARGV[i] end
local last = 0
if #events > 0 then
  last = eventsAppend(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[1], events)
end
return { last, released }
