--[[
  Preview action "skip": the pending preview's number becomes SKIPPED (MANUAL_SKIP) with its sheet patch
  queued atomically; the preview is cleared and its claim released; the session counts a skip (the agent
  gets it when the session ends: sessionEnd). The claim must still be exactly this preview's
  ("<sessionId>|p:<previewId>"): a lapsed claim means another session may own the lead now.

  Input:
    KEYS[1] session lock     KEYS[4] tab lead index ZSET
    KEYS[2] session hash     KEYS[5] tab write-behind queue STREAM (caller SADDed sheetQueueTabs)
    KEYS[3] lead hash (with its claim `c`)
    ARGV[1] lock owner token ARGV[7]  now (epoch ms)
    ARGV[2] claim prefix     ARGV[8]  lead-change channel
    ARGV[3] previewId        ARGV[9]  tab tag
    ARGV[4] expected version ARGV[10] rowId
    ARGV[5] owned state JSON
    ARGV[6] sheet patch JSON

  Output:
    new lead version
    -2 lock not owned   -1 session missing   -10 not the pending preview   -4 lead version mismatch
    -5 the preview's claim lapsed (the caller drops the preview: previewDrop)
]]
--- @include "dialerLead"
--- @include "enqueuePatch"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -2 end
local s = redis.call('HMGET', KEYS[2], 'state', 'preview', 'version')
if not s[1] then return -1 end
local preview = s[2] or ''
if preview == '' then return -10 end
local p = cjson.decode(preview)
if p.previewId ~= ARGV[3] or p.rowId ~= ARGV[10] then return -10 end
local versionOk = leadVersionIs(KEYS[3], ARGV[4])
if leadClaim(KEYS[3], ARGV[7]) ~= (ARGV[2] .. 'p:' .. ARGV[3]) then return -5 end
if not versionOk then return -4 end
local v = leadWrite(KEYS[3], KEYS[4], ARGV[10], ARGV[5], ARGV[7], '')
redis.call('HSET', KEYS[2], 'preview', '', 'updatedAt', ARGV[7], 'version', (tonumber(s[3]) or 0) + 1)
redis.call('HINCRBY', KEYS[2], 'n:skips', 1)
if ARGV[6] ~= '' then enqueuePatch(KEYS[5], ARGV[6], ARGV[7]) end
leadChanged(ARGV[8], ARGV[9], ARGV[10])
return v
