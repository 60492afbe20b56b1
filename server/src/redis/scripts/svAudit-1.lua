--[[
  Supervisor console: appends one supervisor action to the audit stream (who did what to whom, when, why),
  kept to about the last 100,000 entries. The same facts are also written as a pino audit line.

  Input:
    KEYS[1] the audit stream (supervisor/keys.ts svAudit)
    ARGV[1] at (epoch ms)  ARGV[2] supervisor email  ARGV[3] action (PAUSED | SIGNED_OUT)
    ARGV[4] agent email    ARGV[5] reason            ARGV[6] changed ("1" | "0")  ARGV[7] request id

  Output:
    the stream entry id
]]
return redis.call('XADD', KEYS[1], 'MAXLEN', '~', 100000, '*',
  'at', ARGV[1], 'supervisor', ARGV[2], 'action', ARGV[3], 'agent', ARGV[4],
  'reason', ARGV[5], 'changed', ARGV[6], 'requestId', ARGV[7])
