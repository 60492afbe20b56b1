--[[
  Session state transition (PLAY / PAUSE). The allowed source states come from src-shared
  SESSION_TRANSITIONS (one source of truth): Lua only checks membership, writes and bumps the version.

  Input:
    KEYS[1] session hash (keys.session)
    ARGV[1] target state
    ARGV[2] now (epoch ms)
    ARGV[3..] allowed source states

  Output:
    new session version
    -1 session missing
    -3 current state is not an allowed source
]]
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return -1 end
local allowed = false
for i = 3, #ARGV do
  if ARGV[i] == state then allowed = true end
end
if not allowed then return -3 end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'updatedAt', ARGV[2])
return redis.call('HINCRBY', KEYS[1], 'version', 1)
