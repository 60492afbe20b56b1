--[[
  Sheet patches onto a tab's durable write-behind queue (a STREAM, keys.sheetQueue(tabTag)), in the same
  script as the state change they write (e.g. the coordinator's disposition script):

      <the include line for "enqueuePatch", see server/src/redis/scripts.ts>
      local entryId = enqueuePatch(KEYS[n], ARGV[m], now)       -- one patch, one entry, now

  A step that writes several patches (a disposition and its chained dial) collects them and appends them
  at its end as ONE entry (one XADD: the flusher isolates a patch inside an entry, so a refused patch
  is dead-lettered alone; server/src/queue/queue-entry.ts):

      collectPatch(KEYS[n], ARGV[m])            -- any number of times, any order of queues
      appendCollectedPatches(now)               -- once, at the end: one XADD per queue collected into
                                                -- (returns the last entry id, nil when none)

  The caller must have SADDed the tab tag to keys.sheetQueueTabs() BEFORE running its script (that set is a
  global key in another Cluster slot, so a script cannot touch it; a stale member is harmless).
  patchJson is a SheetPatch (src-shared/domain/sheet-patch.ts) validated by the caller.

  Entry fields: one patch: patch = patchJson, at = now (epoch ms), the layout every version reads;
  several: patches = a JSON array of them in collection order, at = now. Failed attempts (and the patches
  of an entry already written or dead-lettered) are kept in a side HASH (keys.sheetQueueAttempts)
  because stream entries are immutable.
]]
local function enqueuePatch(queueKey, patchJson, now)
  return redis.call('XADD', queueKey, '*', 'patch', patchJson, 'at', tostring(now))
end

local collectedPatchQueues, collectedPatches = {}, {}

local function collectPatch(queueKey, patchJson)
  local list = collectedPatches[queueKey]
  if not list then
    list = {}
    collectedPatches[queueKey] = list
    collectedPatchQueues[#collectedPatchQueues + 1] = queueKey
  end
  list[#list + 1] = patchJson
end

local function appendCollectedPatches(now)
  local id = nil
  for _, queueKey in ipairs(collectedPatchQueues) do
    local list = collectedPatches[queueKey]
    if #list == 1 then
      id = enqueuePatch(queueKey, list[1], now)
    else
      id = redis.call('XADD', queueKey, '*', 'patches', '[' .. table.concat(list, ',') .. ']', 'at', tostring(now))
    end
  end
  return id
end
