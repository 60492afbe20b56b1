--[[
  Moves a call forward in its lifecycle (webhook states, or the no-webhook timeout): never backwards, so
  repeated and out-of-order webhooks are harmless (a DISPOSED call, or one whose dial failed, never moves
  again). Timestamps and ids are set once (first value wins). On ENDED it takes the suggestion that fits
  (connected or not). On CONNECTED (with ARGV[5] > 0) the call's deadline (`timeoutAt`) moves to
  connectedAt + ARGV[5], so a conversation outlives the ringing limit.
  The hot path: one HGETALL and at most one HSET. What it leaves to others, so a webhook costs no more:
    - the timeouts ZSET keeps the call's first deadline; the sweeper (ARGV[7] = 1) re-files a connected
      call whose deadline moved, and removes a call that already ended (callDispose removes it too);
    - the lead claim needs no extension: the dial leases it for the longest a call can live (ringing
      limit + connected limit + the time to choose a disposition);
    - connects and talk time are counted by callDispose, from the call record.

  Input:
    KEYS[1] call hash
    KEYS[2] open-call timeouts ZSET
    ARGV[1] target state
    ARGV[2] fields JSON (flat map; set only where the call has no value yet)
    ARGV[3] now (epoch ms)
    ARGV[4] callId
    ARGV[5] connected timeout ms (0: the deadline stays)
    ARGV[6] suggestion when the call was connected ("" = none)
    ARGV[7] suggestion when it was not ("" = none)
    ARGV[8] "1" when the timeout sweeper asks (the call's ZSET deadline is due), else ""
    ARGV[9..] call states in lifecycle order (src-shared CALL_STATE_RANK)

  Output:
    { 1, call fields }  moved forward
    { 0, call fields }  not ahead of the current state, or (sweeper) a deadline that moved: nothing changed
                        but the ZSET entry
    -8 call missing
]]
local flat = redis.call('HGETALL', KEYS[1])
if #flat == 0 then return -8 end
local call = {}
for i = 1, #flat, 2 do call[flat[i]] = flat[i + 1] end
local curRank, newRank, endedRank = -1, -1, -1
for i = 9, #ARGV do
  if ARGV[i] == call.state then curRank = i end
  if ARGV[i] == ARGV[1] then newRank = i end
  if ARGV[i] == 'ENDED' then endedRank = i end
end
if ARGV[8] == '1' then
  if curRank >= endedRank or call.endReason == 'DIAL_FAILED' then
    redis.call('ZREM', KEYS[2], ARGV[4])
    return { 0, flat }
  end
  local deadline = tonumber(call.timeoutAt or '')
  if deadline and deadline > tonumber(ARGV[3]) then
    redis.call('ZADD', KEYS[2], 'XX', deadline, ARGV[4])
    return { 0, flat }
  end
end
if newRank <= curRank or call.endReason == 'DIAL_FAILED' then return { 0, flat } end

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
  local s = connected and ARGV[6] or ARGV[7]
  if s ~= '' then
    call.suggested = s
    set[#set + 1] = 'suggested'
    set[#set + 1] = s
  end
end
local connectedMs = tonumber(ARGV[5]) or 0
if ARGV[1] == 'CONNECTED' and connectedMs > 0 then
  local deadline = (tonumber(call.connectedAt or '') or tonumber(ARGV[3])) + connectedMs
  call.timeoutAt = string.format('%d', deadline)
  set[#set + 1] = 'timeoutAt'
  set[#set + 1] = call.timeoutAt
end
redis.call('HSET', KEYS[1], unpack(set))
if ARGV[8] == '1' then redis.call('ZREM', KEYS[2], ARGV[4]) end
local out = {}
for k, v in pairs(call) do
  out[#out + 1] = k
  out[#out + 1] = v
end
return { 1, out }
