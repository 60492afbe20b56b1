// The supervisor console's Redis keys (named like redis/keys.ts). All live in the one slot of the {sv} hash
// tag: small hashes every instance reads and merges, never on an agent's hot path.
const PREFIX = 'dialer';

export const svKeys = {
  /** HASH: figures every instance shares: `webhookAt`, `tab:<tag>|<campaign>` lead-progress JSON, and
   *  `hour:<startMs>:<code>:<campaign>` disposition counts (svSync-3.lua). */
  shared: () => `${PREFIX}:sv:{sv}:shared`,
  /** ZSET: shared field → the version at which it last changed, so a sync answers only what changed. */
  changes: () => `${PREFIX}:sv:{sv}:changes`,
  /** HASH: `epoch`, `v` (version), `pruned` (version of the last deletion), `watchedUntil` (a viewer). */
  meta: () => `${PREFIX}:sv:{sv}:meta`,
  /** HASH: agent email → epoch ms a supervisor signed them out (svSignOut-1.lua). */
  signedOut: () => `${PREFIX}:sv:{sv}:signedout`,
  /** STREAM: every supervisor action (svAudit-1.lua), newest last: `XRANGE dialer:sv:{sv}:audit - +`. */
  audit: () => `${PREFIX}:sv:{sv}:audit`,
  /** STRING with TTL: a one-use supervisor socket ticket → supervisor email (tagged by the ticket). */
  ticket: (ticket: string) => `${PREFIX}:svticket:{w:${ticket}}`,
} as const;
