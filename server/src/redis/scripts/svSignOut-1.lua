--[[
  Supervisor console: an agent's sign-out record. `set` records that a supervisor signed the agent out at
  `at` (a later sign-out replaces an earlier one, never the reverse); `clear` removes it (the agent logged in
  again). Access tokens issued before the recorded time are refused, and refresh is refused while it exists.

  Input:
    KEYS[1] the sign-out hash (supervisor/keys.ts svSignedOut), field = agent email, value = epoch ms
    ARGV[1] 'set' | 'clear'
    ARGV[2] agent email (lower-case)
    ARGV[3] at (epoch ms; 'set' only)

  Output:
    1 changed, 0 nothing to change
]]
local key = KEYS[1]
if ARGV[1] == 'clear' then
  return redis.call('HDEL', key, ARGV[2])
end
local at = tonumber(ARGV[3])
local cur = tonumber(redis.call('HGET', key, ARGV[2]) or '0')
if at <= cur then return 0 end
redis.call('HSET', key, ARGV[2], at)
return 1
