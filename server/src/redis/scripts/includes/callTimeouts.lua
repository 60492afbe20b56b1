--[[
  The open calls' deadlines (the no-webhook sweeper's index) live in the tab's lead index, in a band of
  scores of their own (server/src/redis/keys.ts CALL_TIMEOUT_BAND, callTimeoutMember: the same values), so
  a dial files its lead's last write and its call's deadline with ONE ZADD (includes/dialerLead.lua
  leadIndexAdd). A lead's score is its last write (epoch ms, < 2^50); a deadline's is TIMEOUT_BAND + the
  deadline, and its member is the session id (or a call id: the layout before) after a prefix no rowId
  can take (a rowId is a trimmed cell). Every reader takes its own band by score range.

  timeoutMember(id) -> the deadline's member for a session id (or a call id)
  timeoutScore(deadline) -> the deadline's score in the band: an exact integer, as a string
]]
local TIMEOUT_BAND = 1125899906842624

local function timeoutMember(id)
  return ' t:' .. id
end

local function timeoutScore(deadline)
  return string.format('%.0f', TIMEOUT_BAND + tonumber(deadline))
end
