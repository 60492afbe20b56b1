--[[
  Points the agent at its new session unless another live session already holds the pointer.

  Input:
    KEYS[1] the agent's active-session pointer (keys.agent(email)), value "<tabTag>|<sessionId>"
    ARGV[1] new pointer value
    ARGV[2] pointer value that may be replaced (a stale pointer to a stopped or vanished session), or ""

  Output:
    1 the pointer now holds ARGV[1]
    otherwise the pointer's current value (the caller checks whether that session is still active)
]]
local cur = redis.call('GET', KEYS[1])
if cur == false or cur == ARGV[1] or (ARGV[2] ~= '' and cur == ARGV[2]) then
  redis.call('SET', KEYS[1], ARGV[1])
  return 1
end
return cur
