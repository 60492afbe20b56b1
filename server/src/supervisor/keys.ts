// The supervisor console's Redis keys (named like redis/keys.ts). Both live in the one slot of the {sv} hash
// tag: small hashes every instance reads and merges, never on an agent's hot path.
const PREFIX = 'dialer';

export const svKeys = {
  /** HASH: figures every instance shares: `webhookAt`, `tab:<tag>|<campaign>` lead-progress JSON, and
   *  `hour:<startMs>:<code>` disposition counts (svSync-1.lua). */
  shared: () => `${PREFIX}:sv:{sv}:shared`,
  /** HASH: agent email → epoch ms a supervisor signed them out (svSignOut-1.lua). */
  signedOut: () => `${PREFIX}:sv:{sv}:signedout`,
  /** STREAM: every supervisor action (svAudit-1.lua), newest last: `XRANGE dialer:sv:{sv}:audit - +`. */
  audit: () => `${PREFIX}:sv:{sv}:audit`,
  /** STRING with TTL: a one-use supervisor socket ticket → supervisor email (tagged by the ticket). */
  ticket: (ticket: string) => `${PREFIX}:svticket:{w:${ticket}}`,
} as const;
