--[[
  enqueuePatch(queueKey, patchJson, now) -> stream entry id

  Appends one sheet patch to a tab's durable write-behind queue (a STREAM, keys.sheetQueue(tabTag)).
  Included by every script that must queue a sheet write atomically with its own state change
  (e.g. the coordinator's disposition script):

      <the include line for "enqueuePatch", see server/src/redis/scripts.ts>
      local entryId = enqueuePatch(KEYS[n], ARGV[m], now)

  The caller must have SADDed the tab tag to keys.sheetQueueTabs() BEFORE running its script (that set is a
  global key in another Cluster slot, so a script cannot touch it; a stale member is harmless).
  patchJson is a SheetPatch (src-shared/domain/sheet-patch.ts) validated by the caller.

  Entry fields: patch = patchJson, at = now (epoch ms). Failed attempts are counted in a side HASH
  (keys.sheetQueueAttempts) because stream entries are immutable.
]]
local function enqueuePatch(queueKey, patchJson, now)
  return redis.call('XADD', queueKey, '*', 'patch', patchJson, 'at', tostring(now))
end
