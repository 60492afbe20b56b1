--[[
  Queues the sheet patches of one step on a tab's write-behind queue as ONE entry (the standalone form of
  includes/enqueuePatch.lua: one patch is the `patch` layout, several the `patches` one).

  Input:
    KEYS[1] the tab's queue stream (keys.sheetQueue(tabTag))
    ARGV[1] now (epoch ms)
    ARGV[2..n] patch JSON (SheetPatch), in order, at least one

  Output:
    the stream entry id ("<ms>-<seq>")
]]
--- @include "enqueuePatch"
for i = 2, #ARGV do collectPatch(KEYS[1], ARGV[i]) end
return appendCollectedPatches(ARGV[1])
