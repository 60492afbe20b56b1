--[[
  Clears the agent's active-session pointer only if it still points at the given session.

  Input:
    KEYS[1] keys.agent(email)
    ARGV[1] expected pointer value "<tabTag>|<sessionId>"

  Output: 1 deleted, 0 the pointer holds something else (left alone)
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
