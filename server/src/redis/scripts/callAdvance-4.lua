--[[
  Moves a call forward in its lifecycle (webhook states, or the no-webhook timeout): never backwards, so
  repeated and out-of-order webhooks are harmless (a DISPOSED call, or one whose dial failed, never moves
  again). Timestamps and ids are set once (first value wins). On ENDED: leaves the timeout ZSET, counts
  talk time, takes the suggestion that fits (connected or not), and extends the lead claim so the agent has
  time to choose a disposition. On CONNECTED (with ARGV[6] > 0): the no-webhook deadline moves to
  connectedAt + ARGV[6] (a conversation outlives the ringing limit) and the claim to that + ARGV[4].
  Reads the call once and writes it once (the hot path: one round trip per webhook).

  Input:
    KEYS[1] call hash
    KEYS[2] open-call timeouts ZSET
    KEYS[3] lead claim                (the call's rowId: the caller knows it from the dial)
    KEYS[4] session stats HASH        (the call's session)
    ARGV[1] target state
    ARGV[2] fields JSON (flat map; set only where the call has no value yet)
    ARGV[3] now (epoch ms)
    ARGV[4] claim lease ms after ENDED
    ARGV[5] callId
    ARGV[6] connected timeout ms (0: the deadline stays)
    ARGV[7] suggestion when the call was connected ("" = none)
    ARGV[8] suggestion when it was not ("" = none)
    ARGV[9..] call states in lifecycle order (src-shared CALL_STATE_RANK)

  Output:
    { 1, call fields }  moved forward
    { 0, call fields }  not ahead of the current state: nothing changed
    -8 call missing
]]
local flat = redis.call('HGETALL', KEYS[1])
if #flat == 0 then return -8 end
local call = {}
for i = 1, #flat, 2 do call[flat[i]] = flat[i + 1] end
local curRank, newRank = -1, -1
for i = 9, #ARGV do
  if ARGV[i] == call.state then curRank = i end
  if ARGV[i] == ARGV[1] then newRank = i end
end
if newRank <= curRank or call.endReason == 'DIAL_FAILED' then return { 0, flat } end

local hadConnect = (call.connectedAt or '') ~= ''
local set = { 'state', ARGV[1] }
call.state = ARGV[1]
for k, val in pairs(cjson.decode(ARGV[2])) do
  if (call[k] or '') == '' then
    call[k] = tostring(val)
    set[#set + 1] = k
    set[#set + 1] = call[k]
  end
end
local connected = (call.connectedAt or '') ~= ''
if ARGV[1] == 'ENDED' and (call.suggested or '') == '' then
  local s = connected and ARGV[7] or ARGV[8]
  if s ~= '' then
    call.suggested = s
    set[#set + 1] = 'suggested'
    set[#set + 1] = s
  end
end
local lease = nil
local connectedMs = tonumber(ARGV[6]) or 0
if ARGV[1] == 'CONNECTED' and connectedMs > 0 then
  local deadline = (tonumber(call.connectedAt or '') or tonumber(ARGV[3])) + connectedMs
  call.timeoutAt = string.format('%d', deadline)
  set[#set + 1] = 'timeoutAt'
  set[#set + 1] = call.timeoutAt
  redis.call('ZADD', KEYS[2], 'XX', deadline, ARGV[5])
  lease = math.max(1, deadline + tonumber(ARGV[4]) - tonumber(ARGV[3]))
end
redis.call('HSET', KEYS[1], unpack(set))
if not hadConnect and connected then redis.call('HINCRBY', KEYS[4], 'connects', 1) end
if ARGV[1] == 'ENDED' then
  redis.call('ZREM', KEYS[2], ARGV[5])
  if connected and (call.endedAt or '') ~= '' then
    local talk = tonumber(call.endedAt) - tonumber(call.connectedAt)
    if talk > 0 then redis.call('HINCRBY', KEYS[4], 'talkMs', talk) end
  end
  lease = tonumber(ARGV[4])
end
if lease and redis.call('GET', KEYS[3]) == (call.sessionId .. '|' .. ARGV[5]) then
  redis.call('PEXPIRE', KEYS[3], lease)
end
local out = {}
for k, v in pairs(call) do
  out[#out + 1] = k
  out[#out + 1] = v
end
return { 1, out }
