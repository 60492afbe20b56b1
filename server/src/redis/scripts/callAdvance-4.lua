--[[
  Moves a call forward in its lifecycle (webhook states, or the no-webhook timeout): never backwards, so
  repeated and out-of-order webhooks are harmless. Timestamps and ids are set once (first value wins).
  On ENDED: leaves the timeout ZSET, counts talk time, and extends the lead claim so the agent has time to
  choose a disposition. On CONNECTED (with ARGV[6] > 0): the no-webhook deadline moves to
  connectedAt + ARGV[6] (a conversation outlives the ringing limit) and the claim to that + ARGV[4].

  Input:
    KEYS[1] call hash
    KEYS[2] open-call timeouts ZSET
    KEYS[3] lead claim
    KEYS[4] session stats HASH
    ARGV[1] target state
    ARGV[2] fields JSON (flat map; set only where the call has no value yet)
    ARGV[3] now (epoch ms)
    ARGV[4] claim lease ms after ENDED
    ARGV[5] callId
    ARGV[6] connected timeout ms (0: the deadline stays)
    ARGV[7..] call states in lifecycle order (src-shared CALL_STATE_RANK)

  Output:
    { 1, call fields }  moved forward
    { 0, call fields }  not ahead of the current state: nothing changed
    -8 call missing
]]
local cur = redis.call('HGET', KEYS[1], 'state')
if not cur then return -8 end
local curRank, newRank = -1, -1
for i = 7, #ARGV do
  if ARGV[i] == cur then curRank = i end
  if ARGV[i] == ARGV[1] then newRank = i end
end
if newRank <= curRank then return { 0, redis.call('HGETALL', KEYS[1]) } end

local hadConnect = (redis.call('HGET', KEYS[1], 'connectedAt') or '') ~= ''
local fields = cjson.decode(ARGV[2])
for k, val in pairs(fields) do
  if (redis.call('HGET', KEYS[1], k) or '') == '' then
    redis.call('HSET', KEYS[1], k, tostring(val))
  end
end
redis.call('HSET', KEYS[1], 'state', ARGV[1])
if not hadConnect and (redis.call('HGET', KEYS[1], 'connectedAt') or '') ~= '' then
  redis.call('HINCRBY', KEYS[4], 'connects', 1)
end
local connectedMs = tonumber(ARGV[6]) or 0
if ARGV[1] == 'CONNECTED' and connectedMs > 0 then
  local c = redis.call('HMGET', KEYS[1], 'connectedAt', 'sessionId')
  local from = tonumber(c[1] or '') or tonumber(ARGV[3])
  local deadline = from + connectedMs
  redis.call('HSET', KEYS[1], 'timeoutAt', string.format('%d', deadline))
  redis.call('ZADD', KEYS[2], 'XX', deadline, ARGV[5])
  if redis.call('GET', KEYS[3]) == (c[2] .. '|' .. ARGV[5]) then
    redis.call('PEXPIRE', KEYS[3], math.max(1, deadline + tonumber(ARGV[4]) - tonumber(ARGV[3])))
  end
end
if ARGV[1] == 'ENDED' then
  redis.call('ZREM', KEYS[2], ARGV[5])
  local c = redis.call('HMGET', KEYS[1], 'connectedAt', 'endedAt', 'sessionId')
  if (c[1] or '') ~= '' and (c[2] or '') ~= '' then
    local talk = tonumber(c[2]) - tonumber(c[1])
    if talk > 0 then redis.call('HINCRBY', KEYS[4], 'talkMs', talk) end
  end
  local holder = redis.call('GET', KEYS[3])
  if holder == (c[3] .. '|' .. ARGV[5]) then redis.call('PEXPIRE', KEYS[3], ARGV[4]) end
end
return { 1, redis.call('HGETALL', KEYS[1]) }
