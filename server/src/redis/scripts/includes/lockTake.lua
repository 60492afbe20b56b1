--[[
  Taking a session lock (a STRING with a PX lease, value = the owner's token) in ONE command whether it is
  free or held by a holder the caller may take it over from (a chained dial's `c:<callId>` whose call left
  DIALING: callDispose "Chain", lockTakeOver).

  lockTake(key, token, ttlMs, mayTakeOver) -> true when the lock is now `token`'s (it was free, or its
    holder is one mayTakeOver(holder) accepts), else false. `SET key token PX ttlMs GET` (no NX) writes and
    reads the holder at once; a holder that may not be taken over is put back in the same script with
    ttlMs, before anything else can read the key. Every instance leases the lock for the same TTL, so the
    put-back holder's lease is lengthened (by what it had left to the full TTL), never shortened, and
    stays its own: its renewals and its release (owner token) work as before.
]]
local function lockTake(key, token, ttlMs, mayTakeOver)
  local holder = redis.call('SET', key, token, 'PX', ttlMs, 'GET')
  if not holder or mayTakeOver(holder) then return true end
  redis.call('SET', key, holder, 'PX', ttlMs)
  return false
end
