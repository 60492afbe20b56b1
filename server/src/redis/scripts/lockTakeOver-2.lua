--[[
  Takes over a chained dial's session lock once Dialpad placed its call. The Dialpad leg of a chained dial
  holds the session lock as `c:<callId>` and, when Dialpad placed the call and there is nothing left to
  tell, stops renewing it and lets it expire (<= the lock's TTL) instead of spending a release on it
  (callDispose.lua, "Chain"). A request that needs the lock in that window takes it over at once when the
  call has left DIALING (a webhook: Dialpad placed it, so that leg can no longer undo it), by the same rule
  callDispose uses for the call's own disposition. Never while the call is DIALING (the leg may still be
  asking Dialpad), never from another holder.

  Input:
    KEYS[1] lock key (keys.sessionLock)
    KEYS[2] the session hash when the call the holder names names its session (its live call's `c:state`;
            a call that left the session is no longer DIALING), else that call's hash (keys.call)
    ARGV[1] the holder seen, `c:<callId>`
    ARGV[2] the new owner token
    ARGV[3] TTL in ms

  Output: 1 taken over (or the lock was free by then: ours), 0 not (another holder, the call still
  DIALING or gone)
]]
--- @include "callRecord"
--- @include "lockTake"
local callId = string.sub(ARGV[1], 3)
local state
if callNamesSession(callId) then
  local s = redis.call('HMGET', KEYS[2], 'callId', 'c:state')
  state = s[1] == callId and s[2] or 'LEFT'
else
  state = redis.call('HGET', KEYS[2], 'state')
end
if not state or state == 'DIALING' then return 0 end
-- One SET reads and takes it; another holder than the one seen is put back (includes/lockTake).
if lockTake(KEYS[1], ARGV[2], ARGV[3], function(h) return h == ARGV[1] end) then return 1 end
return 0
