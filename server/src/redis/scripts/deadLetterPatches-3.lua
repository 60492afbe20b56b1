--[[
  Moves patches the flusher must not write (their lead's RowID is gone or ambiguous, their tab was deleted,
  or Google keeps rejecting them) from a tab's queue to its dead-letter stream, for a human to look at. A
  patch of a several-patch entry goes alone: its dead letter holds the entry's `patches` and its `part`,
  and the entry stays until each of its other patches landed or was dead-lettered (includes/queueEntry).

  Input:
    KEYS[1] the tab's queue stream (keys.sheetQueue(tabTag))
    KEYS[2] the tab's side hash: attempt counts and done parts (keys.sheetQueueAttempts(tabTag))
    KEYS[3] the tab's dead-letter stream (keys.sheetDeadLetters(tabTag))
    ARGV[1] now (epoch ms)
    ARGV[2] reason (short text, no phone numbers)
    ARGV[3] dead-letter stream max length (approximate trim)
    ARGV[4..n] `<streamId>` (a whole entry) or `<streamId>#<i>` (patch i of a several-patch entry)

  Output:
    number of patches moved (a whole entry counts its patches not yet done: the flusher names a whole
    several-patch entry only when it cannot read it; ids no longer queued, and patches already done, are
    ignored)
]]
--- @include "queueEntry"
local moved = 0
for i = 4, #ARGV do
  local sid, part = queueRef(ARGV[i])
  local fields = queueEntry(KEYS[1], sid)
  if fields then
    local attempts = redis.call('HGET', KEYS[2], sid) or '0'
    local count = queueEntryCount(fields)
    local done = queueEntryDone(KEYS[2], sid)
    local letter = { 'at', fields.at or '', 'queueId', ARGV[i], 'attempts', attempts, 'reason', ARGV[2],
      'deadAt', ARGV[1] }
    if fields.patch or not fields.patches then
      letter[#letter + 1] = 'patch'
      letter[#letter + 1] = fields.patch or ''
    else
      letter[#letter + 1] = 'patches'
      letter[#letter + 1] = fields.patches
    end
    local newly = 0
    if part == nil then
      for p = 0, count - 1 do
        if not done[p] then newly = newly + 1 end
      end
      for p = 0, count - 1 do done[p] = true end
    elseif part < count and not done[part] then
      newly = 1
      letter[#letter + 1] = 'part'
      letter[#letter + 1] = tostring(part)
      done[part] = true
    end
    if newly > 0 then
      redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', unpack(letter))
      moved = moved + newly
    end
    if newly > 0 or part == nil then queueEntryFinish(KEYS[1], KEYS[2], sid, done, count) end
  end
end
return moved
