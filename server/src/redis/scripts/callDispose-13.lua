--[[
  The disposition transition, and the chained dial of the next lead in the same step (one script, one
  round trip: the caller picked the next lead before, from its index with this disposition applied).

  Disposition: writes the lead's new owned state (compare-and-set on its version), marks the call
  DISPOSED (a call whose id names its session is read from the session's `c:` fields, read anyway, and
  becomes the session's last call, its `l:` fields, in the session's one HSET: no command of its own; a
  call of before keeps its hash RETAIN ms; includes/callRecord), releases the claim (a field of the lead hash, written with the
  overlay) if the session still holds it or its lease ended, counts the
  whole call in the session's counters and the agent's (in this tab) at once (completed, the code,
  success, connect and talk time: callAdvance counts nothing; includes/countersAdd), adds the number to
  the do-not-call set when asked, and QUEUES THE SHEET PATCH in the same atomic step (includes/enqueuePatch:
  with the chained dial's, one queue entry holding both), so a
  disposition the API accepted always has its sheet write queued (AOF makes both durable together).
  A live call may be disposed before its hangup webhook arrives (later webhooks are then ignored).
  The call leaves the open-call timeouts (the lead index's band, member: the session's, includes/dial) with
  no command of its own when the chained dial re-files the session's member under the next call's deadline
  (in the ZADD of both leads' index entries); else one ZREM.
  Reads the call once (with the session, for an id naming it): the caller needs no read before it.

  Chain: when the session is in PLAY and ARGV[15] names a lock token, it takes the session lock (if free)
  for the chained dial. A lock held as `c:<this call's id>` is the lock of the chained dial that made this
  call: its Dialpad leg keeps it (renewed) until Dialpad answered and then, having nothing to tell (this
  script told the agent), lets it expire rather than spend a step on releasing it. Once the call has left
  DIALING (a webhook: Dialpad placed it, so that leg can no longer undo it) its disposition takes that lock
  over (in the same SET: includes/lockTake, a foreign holder put back with a second); while the call is still
  DIALING the lock stays busy and the caller chains the slow way, under the lock once it is free. When it got the lock and ARGV[17..] name the next lead, it runs the dial's checks
  (includes/dial, the same as leadClaimAndDial's) and, when they pass, its writes: claim, overlay
  IN_PROGRESS + patch, call record (the session's `c:` fields) + deadline, the session's callId,
  initiated + 1 (session and agent).
  A refused dial writes nothing of the dial (the disposition stands) and says why: the caller then chains
  the slow way (pick again, leadClaimAndDial) under the lock it holds. The session is written with one
  HSET for both, the agent's counters with one, and one lead-change notice names both leads.

  Idempotency (POST /disposition's Idempotency-Key, idempotency/in-script.ts): when ARGV[27] names the
  request's body hash, the key's record (KEYS[12], JSON {h, o, d?, s?, b?} as idempotency/store.ts writes
  it) decides first: held by another request (or done, or another body) → { 'idem', its JSON } and nothing
  changes (the caller replays, answers 422, or waits). A committed step reserves it for ARGV[28] (pending,
  ARGV[29] ms), or stores ARGV[30] as the final answer (status 200, ARGV[31] ms) when the chained dial was
  made: the answer is then known here, and the request needs no other round trip for its key. One command
  reads and writes it (SET NX GET, placing the answer when ARGV[30] names one; a refused chained dial then
  turns it into the reservation with a second SET). A refusal (-8 -9 -4) only reads it (GET) and reserves
  nothing (a retry answers the same).

  Telling the agent (ARGV[32] not ""): the step's events are appended to the agent's home stream in the
  same script (includes/eventsAppend: XADD, PUBLISH), and their notice carries the lead-change notice (one
  PUBLISH for both: includes/dialerLead leadsNotice), so the disposition, its chained dial and what the
  agent is told commit together: a crash after this script (before the answer, or while Dialpad is asked)
  leaves the agent told, replayable from the stream. The caller built the events from what it knows (the
  call as it last saw it, the session's counters as the call's dial left them); they are appended only if
  the call's progress fields (ARGV[32]) and the session's counters (ARGV[33]) are exactly that, else the
  script appends nothing, publishes the lead-change notice on its own channel (ARGV[11]) and the caller
  tells the agent itself afterwards. Two lists: the first (ARGV[38] events) when the chained dial was
  made (the disposition's CALL_STATE, the next call's, STATS), the other when it was not.

  Input:
    KEYS[1] call's archive   KEYS[4] timeouts: = KEYS[5] (a band) KEYS[8]  session lock
            (its hash for an
            id of before)
    KEYS[2] session hash     KEYS[5] tab lead index ZSET           KEYS[9]  the agent's counters in this tab
    KEYS[3] lead hash (with  KEYS[6] do-not-call SET               KEYS[10] next lead hash (chain)
            its claim `c`)   KEYS[7] tab write-behind queue STREAM KEYS[11] next call hash (chain; only
                                                                            for an id of before)
                                     (caller SADDed sheetQueueTabs) KEYS[12] idempotency record
                                                                   KEYS[13] the agent's home event stream
    ARGV[1] callId           ARGV[8]  how long the disposed call is kept (ms)
    ARGV[2] claim prefix     ARGV[9]  do-not-call number, or ""
    ARGV[3] expected version ARGV[10] now (epoch ms)
    ARGV[4] owned state JSON ARGV[11] lead-change channel
    ARGV[5] sheet patch JSON ARGV[12] tab tag
    ARGV[6] disposition code ARGV[13] rowId
    ARGV[7] 1 if a success   ARGV[14] the lead's state before (PreDisposition JSON), or "": kept on
                                       the session as `lastPre`, with `lastCall` and `lastLeadV` (the
                                       version written), for a change of the last disposition (callAmend),
                                       and `lastCode`, `lastAt`, `lastRow` for the session view (a reload
                                       shows the receipt again)
    ARGV[15] lock owner token for the chained dial, or "" (none)   ARGV[16] its TTL (ms)
             (a token `c:<callId>` names the call the chained dial makes: see Chain above)
    the chained dial, or ARGV[17..26] = "" (none):
    ARGV[17] next rowId            ARGV[21] lease ms               ARGV[25] next callId
    ARGV[18] its expected version  ARGV[22] owned state JSON       ARGV[26] its timeout deadline (epoch ms)
    ARGV[19] number (E.164)        ARGV[23] sheet patch JSON, or ""
    ARGV[20] claim value           ARGV[24] call record JSON (flat field map)
    the idempotency record, or ARGV[27] = "" (none):
    ARGV[27] body hash   ARGV[28] owner   ARGV[29] pending TTL ms   ARGV[30] the answer when the chained
    dial is made, or ""   ARGV[31] its TTL ms
    the agent's events, or ARGV[32] = "" (none: the caller tells them):
    ARGV[32] expected call progress fields: JSON object, field -> value as the hash holds it ("" = none)
    ARGV[33] expected session counters before this step: JSON object, name (no `n:`) -> value, "" = none
             (absent counters read as 0)
    ARGV[34] at (epoch ms, an integer)   ARGV[35] stream MAXLEN   ARGV[36] the events' notice channel
    ARGV[37] agent email (lower case)   ARGV[38] how many events the chained dial's list holds (n)
    ARGV[39 .. 38+n] that list (the chained dial made)   ARGV[39+n ..] the other list (no chained dial);
    at most 63 each

  Output:
    { new lead version, call fields, session state, session counters (after this call and the chained
      dial), session fields (after both; empty if the session is gone),
      1 if the session lock was taken with ARGV[15] (the session is in PLAY and the lock was free, or held
        by this call's own chained dial and the call left DIALING), else 0,
      the chained dial: its lead's new version (> 0), 0 when not asked or not attempted (no lock), or the
      dial's refusal (includes/dial: -11 -7 -10 -5 -4 -6),
      1 if ARGV[30] was stored as the key's answer, else 0,
      1 if the agent's events were appended (one of the two lists, by whether the chained dial was made), else 0 }
    { 'idem', the record's JSON }: the key is held by another request (nothing changed)
    -8 call missing   -9 already disposed (or a failed dial; or an older call of the session: its id
    names the session, whose live call is another one)   -4 lead version mismatch
]]
--- @include "dialerLead"
--- @include "enqueuePatch"
--- @include "countersAdd"
--- @include "dial"
--- @include "callRecord"
--- @include "eventsAppend"
--- @include "lockTake"

-- A value the caller expected ("" = none) is the one read (numbers compared as numbers).
local function sameValue(have, want)
  have = have or ''
  if have == want then return true end
  return tonumber(have) ~= nil and tonumber(have) == tonumber(want)
end

-- The call's progress fields (as read, before this step) are the ones the caller built its events on.
local function callIsExpected(call, expectedJson)
  for k, v in pairs(cjson.decode(expectedJson)) do
    if not sameValue(call[k], v) then return false end
  end
  return true
end

-- The session's counters (as read, before this step) are the ones the caller built its STATS on: a
-- counter absent from the hash reads as 0, `since` as none.
local function countersAreExpected(sess, expectedJson)
  for k, v in pairs(cjson.decode(expectedJson)) do
    local have = sess['n:' .. k]
    if v == '' then
      if (have or '') ~= '' then return false end
    elseif (tonumber(have or '') or 0) ~= tonumber(v) then
      return false
    end
  end
  return true
end
local idem = ARGV[27] or ''
local tell = (ARGV[32] or '') ~= ''
local dialedEvents, otherEvents = {}, {}
if tell then
  local n = tonumber(ARGV[38])
  for i = 39, 38 + n do dialedEvents[#dialedEvents + 1] = ARGV[i] end
  for i = 39 + n, #ARGV do otherEvents[#otherEvents + 1] = ARGV[i] end
  eventsCheck(#dialedEvents)
  eventsCheck(#otherEvents)
end
-- The call: the session's live call (its `c:` fields, in the session's one read) or its archive; a call of
-- before (its id names no session) is its own hash.
local inSession = callNamesSession(ARGV[1])
local sflat = nil
local sess = {}
local call = nil
if inSession then
  sflat = redis.call('HGETALL', KEYS[2])
  for i = 1, #sflat, 2 do sess[sflat[i]] = sflat[i + 1] end
  call = callOfSession(sess, ARGV[1]) or callLastOfSession(sess, ARGV[1]) or callArchiveRead(KEYS[1])
else
  local flat = redis.call('HGETALL', KEYS[1])
  if #flat > 0 then
    call = {}
    for i = 1, #flat, 2 do call[flat[i]] = flat[i + 1] end
  end
end
local refused = nil
if not call and inSession and callLeftSession(sess, ARGV[1]) then
  refused = -9 -- an older call of this session: it left it, its record is no longer kept
elseif not call then
  refused = -8
elseif call.state == 'DISPOSED' or call.endReason == 'DIAL_FAILED' then
  refused = -9
elseif not leadVersionIs(KEYS[3], ARGV[3]) then
  refused = -4
end
-- The key's record decides first (a duplicate of a committed request gets its record, not -9). A step that
-- will commit reserves it in the same command that reads it (SET NX GET), with the answer when the caller
-- knows it (ARGV[30]: the chained dial's); a refusal only reads it (it reserves nothing).
local idemPlaced = nil
if idem ~= '' then
  local held
  if refused then
    held = redis.call('GET', KEYS[12])
  elseif ARGV[30] ~= '' then
    held = redis.call('SET', KEYS[12], cjson.encode({ h = idem, o = ARGV[28], d = 1, s = 200, b = ARGV[30] }),
      'NX', 'PX', ARGV[31], 'GET')
    if not held then idemPlaced = 'answer' end
  else
    held = redis.call('SET', KEYS[12], cjson.encode({ h = idem, o = ARGV[28] }), 'NX', 'PX', ARGV[29], 'GET')
    if not held then idemPlaced = 'pending' end
  end
  if held then
    local r = cjson.decode(held)
    if r.o ~= ARGV[28] or r.d ~= nil then return { 'idem', held } end
  end
end
if refused then return refused end
local now = ARGV[10]
-- Told here only if what the caller built the events on is what was read (the session is checked below).
if tell and not callIsExpected(call, ARGV[32]) then tell = false end
-- The claim is released with the overlay's HSET when it is ours (or lapsed); another session's stays.
local release = nil
if claimIsOurs(KEYS[3], ARGV[2], now) or not leadClaim(KEYS[3], now) then release = '' end
-- Both leads' index entries (this one, the chained dial's) are written by one ZADD at the end.
leadIndexDefer()
local v = leadWrite(KEYS[3], KEYS[5], ARGV[13], ARGV[4], now, release)
local add = { completed = 1, ['d:' .. ARGV[6]] = 1 }
if ARGV[7] == '1' then add.successes = 1 end
if (call.connectedAt or '') ~= '' then
  add.connects = 1
  local talk = (tonumber(call.endedAt or '') or tonumber(now)) - tonumber(call.connectedAt)
  if talk > 0 then add.talkMs = talk end
end
local placed = call.state ~= 'DIALING'
call.state = 'DISPOSED'
call.disposition = ARGV[6]
call.disposedAt = now
if (call.endedAt or '') == '' then call.endedAt = now end
if inSession then
  -- The session's last call (its `l:` fields, in the session's HSET below); archived only if it is not the
  -- session's live call (never seen: a call in the session is its live one until it leaves).
  if sess.callId ~= ARGV[1] then callArchiveWrite(KEYS[1], call, ARGV[8]) end
else
  redis.call('HSET', KEYS[1], 'state', 'DISPOSED', 'disposition', ARGV[6], 'disposedAt', now,
    'endedAt', call.endedAt)
  redis.call('PEXPIRE', KEYS[1], ARGV[8])
end
if ARGV[9] ~= '' then redis.call('SADD', KEYS[6], ARGV[9]) end
if ARGV[5] ~= '' then collectPatch(KEYS[7], inSession and callLogTimed(ARGV[5], call) or ARGV[5]) end
local changedRows = { ARGV[13] }

if not sflat then
  sflat = redis.call('HGETALL', KEYS[2])
  for i = 1, #sflat, 2 do sess[sflat[i]] = sflat[i + 1] end
end
local current = false
local locked, dialed = 0, 0
if #sflat > 0 then
  local changed = {}
  if tell and not countersAreExpected(sess, ARGV[33]) then tell = false end
  current = sess.callId == ARGV[1]
  if current then
    sessionChange(sess, changed, 'callId', '')
    sessionChange(sess, changed, 'updatedAt', now)
    sessionChange(sess, changed, 'lastCall', ARGV[1])
    if inSession then callIntoLast(sess, changed, call) end
    sessionChange(sess, changed, 'lastPre', ARGV[14] or '')
    sessionChange(sess, changed, 'lastLeadV', tostring(v))
    sessionChange(sess, changed, 'lastCode', ARGV[6])
    sessionChange(sess, changed, 'lastAt', now)
    sessionChange(sess, changed, 'lastRow', ARGV[13])
    sessionChange(sess, changed, 'version', tostring((tonumber(sess.version) or 0) + 1))
  end
  local counted = {}
  countersApply(sess, add, nil, 'n:', counted)
  for i = 1, #counted, 2 do sessionChange(sess, changed, counted[i], counted[i + 1]) end
  if ARGV[15] ~= '' and sess.state == 'PLAY' then
    -- Free, or this call's own chained dial's once the call left DIALING: ours in one SET (includes/lockTake).
    if lockTake(KEYS[8], ARGV[15], ARGV[16], function(h) return placed and h == 'c:' .. ARGV[1] end) then
      locked = 1
    end
  end
  if locked == 1 and (ARGV[17] or '') ~= '' then
    local d = {
      leadKey = KEYS[10], dncKey = KEYS[6], timeoutsKey = KEYS[4],
      callKey = callNamesSession(ARGV[25]) and '' or KEYS[11],
      indexKey = KEYS[5], queueKey = KEYS[7], claimPrefix = ARGV[2], previewId = '', rowId = ARGV[17],
      version = ARGV[18], number = ARGV[19], claimValue = ARGV[20], leaseMs = ARGV[21],
      stateJson = ARGV[22], patchJson = ARGV[23], callJson = ARGV[24], callId = ARGV[25],
      deadline = ARGV[26], now = now,
    }
    dialed = dialCheck(sess, d)
    if not dialed then
      dialed = dialWrite(sess, d, changed)
      add.initiated = 1
      changedRows[2] = ARGV[17]
    end
  end
  redis.call('HSET', KEYS[2], unpack(sessionSetArgs(sess, changed)))
end
-- The call leaves the timeouts: the chained dial's ZADD re-filed the session's member under the new
-- call's deadline; else the session's member goes when this was its call (and a member named by the call id,
-- from before members were sessions, in the same ZREM).
if dialed <= 0 then
  if current then redis.call('ZREM', KEYS[4], timeoutMember(ARGV[1]), timeoutMember(sessionIdOf(ARGV[2])))
  else redis.call('ZREM', KEYS[4], timeoutMember(ARGV[1])) end
end
-- The agent's counters get the session's when it ends (sessionEnd); a session that ended already (a live
-- call is disposable after STOP) or is gone counts this call in the agent's directly.
if #sflat == 0 or sess.state == 'STOP' then countersAdd(KEYS[9], add, nil) end
leadIndexFlush()
-- Both leads' sheet patches (this one, the chained dial's) in one queue entry.
appendCollectedPatches(now)
-- The events and the lead-change notice in one PUBLISH when the agent is told here; else the notice alone.
if #sflat == 0 then tell = false end
local told = 0
local events = otherEvents
if dialed > 0 then events = dialedEvents end
if tell and #events > 0 then
  eventsAppend(KEYS[13], ARGV[34], ARGV[35], ARGV[36], ARGV[37], ARGV[34], events,
    leadsNotice(ARGV[12], changedRows))
  told = 1
else
  leadsChanged(ARGV[11], ARGV[12], changedRows)
end
-- The record ends as the answer when the chained dial was made, else reserved (pending): written again only
-- when the first SET placed the other one (the chained dial was refused) or found our own reservation.
local stored = 0
if idem ~= '' then
  if dialed > 0 and ARGV[30] ~= '' then
    if idemPlaced ~= 'answer' then
      redis.call('SET', KEYS[12], cjson.encode({ h = idem, o = ARGV[28], d = 1, s = 200, b = ARGV[30] }),
        'PX', ARGV[31])
    end
    stored = 1
  elseif idemPlaced ~= 'pending' then
    redis.call('SET', KEYS[12], cjson.encode({ h = idem, o = ARGV[28] }), 'PX', ARGV[29])
  end
end
local out = {}
for k, val in pairs(call) do
  out[#out + 1] = k
  out[#out + 1] = val
end
local sout = {}
for k, val in pairs(sess) do
  -- Not the live call's `c:` fields (includes/callRecord): the caller has the chained call it made.
  if string.sub(k, 1, 2) ~= 'c:' and string.sub(k, 1, 2) ~= 'l:' then
    sout[#sout + 1] = k
    sout[#sout + 1] = val
  end
end
return { v, out, sess.state or '', countersOf(sess, 'n:'), sout, locked, dialed, stored, told }
