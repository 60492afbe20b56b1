--[[
  Takes request tokens from a shared fixed-window budget (one counter per bucket and minute window, shared
  by every coordinator instance).

  Input:
    KEYS[1] the window's counter (keys.quota(bucket, windowStart))
    ARGV[1] tokens wanted (n >= 1)
    ARGV[2] limit per window
    ARGV[3] counter TTL in ms (longer than the window, so a late reader still sees it)

  Output:
    { 1, used } when taken (used includes them), { 0, used } when the window has too few left
]]
local n = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used + n > limit then
  return { 0, used }
end
used = redis.call('INCRBY', KEYS[1], n)
if used == n then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return { 1, used }
