--[[
  Queues one sheet patch on a tab's write-behind queue (standalone form of includes/enqueuePatch.lua).

  Input:
    KEYS[1] the tab's queue stream (keys.sheetQueue(tabTag))
    ARGV[1] patch JSON (SheetPatch)
    ARGV[2] now (epoch ms)

  Output:
    the stream entry id ("<ms>-<seq>")
]]
--- @include "enqueuePatch"
return enqueuePatch(KEYS[1], ARGV[1], ARGV[2])
