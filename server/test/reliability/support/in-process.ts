// The in-process stack the bad-input and attack suites share: a real redis-server, both emulators and one
// coordinator (startDemoStack, production code paths, demo login) whose every log line is captured for the
// log scan; tokens for every JWT attack; and the state picture (Redis + the agents' sheet tabs) that must not
// change after a refused request.
import { Redis } from 'ioredis';
import { SignJWT } from 'jose';
import { startRedisServer, type RedisServerHandle } from '../../../../test/support/redis-server.js';
import type { CampaignOverrides } from '../../../src/config.js';
import { type DemoStack, startDemoStack } from '../../../src/demo.js';
import { createLogger } from '../../../src/logger.js';
import { type RedisSnapshot, snapshotRedis } from '../../api/support/redis-snapshot.js';
import type { TokenSet } from './bad-input.js';

export interface InProcessStack {
  stack: DemoStack;
  redis: Redis;
  redisServer: RedisServerHandle;
  /** Every line the coordinator logged, raw. */
  logLines: string[];
  tokens(valid: string, other: string): Promise<TokenSet>;
  /** Keys written since the last call (keyspace notifications; expiry and VOLATILE keys left out). */
  writesSince(): Promise<string[]>;
  /** Redis (minus keys that change by design or in the background) and the whole emulated Sheets (cells, formats). */
  state(): Promise<{ redis: RedisSnapshot; sheets: string }>;
  close(): Promise<void>;
}

/**
 * Keys left out of the no-change comparison, each for a reason that is not "a refused request wrote":
 * locks, the Sheets quota window and the tab snapshots (dialer:tabsnap:*, rewritten by every periodic tab
 * read) move with the background flusher and tab refresh; idempotency records store a reply (a 4xx the
 * handler gave is kept for replay, by design, per agent with a 60 s TTL); the supervisor console's shared
 * figures (dialer:sv:{sv}:shared, :changes, :meta) are re-synced by each instance's background timer,
 * viewers or not.
 */
const VOLATILE = [
  /^dialer:lock:/,
  /^dialer:metric:\{q:/,
  /^dialer:idem:/,
  /^dialer:tabsnap:/,
  /^dialer:sv:\{sv\}:(shared|changes|meta)$/,
];

/** Keyspace events of the flusher removing landed patches from a tab's queue (and their attempt counters). */
const SHEET_QUEUE_ACK_EVENTS = new Set(['xdel', 'hdel', 'del']);

export async function startInProcessStack(
  o: { tabRefreshMs?: number; rules?: CampaignOverrides } = {},
): Promise<InProcessStack> {
  const redisServer = await startRedisServer({ appendOnly: false });
  const redis = new Redis(redisServer.url);
  const logLines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (s: string) => logLines.push(s) } });
  const stack = await startDemoStack({
    redisUrl: redisServer.url,
    port: 0,
    leadsPerAgent: 20,
    webDistDir: null,
    logger,
    logLevel: 'silent',
    rules: o.rules ?? { '*': { callingHours: null, previewCountdownSeconds: 0 } },
    env: { TAB_REFRESH_MS: String(o.tabRefreshMs ?? 600_000) },
  });
  // Every write to Redis, as it happens: keyspace notifications on a subscriber connection. A PING on that
  // same connection answers after every notification Redis pushed before it, so once a request's response
  // is in, writesSince() sees everything the request wrote.
  await redis.config('SET', 'notify-keyspace-events', 'KA');
  const sub = new Redis(redisServer.url);
  const written: string[] = [];
  sub.on('pmessage', (_p: string, channel: string, event: string) => {
    const key = channel.slice(channel.indexOf(':') + 1);
    if (event === 'expired' || event === 'evicted' || VOLATILE.some((re) => re.test(key))) return;
    // The background flusher acking patches that landed (a refused request would show as an xadd).
    if (SHEET_QUEUE_ACK_EVENTS.has(event) && key.startsWith('dialer:sheetq:')) return;
    written.push(`${event} ${key}`);
  });
  await sub.psubscribe('__keyspace@0__:*');
  const jwt = stack.coordinator.config.jwt;
  const key = new TextEncoder().encode(jwt.secret);
  const nowS = () => Math.floor(Date.now() / 1000);
  const sign = (
    sub: string,
    o: { iat?: number; nbf?: number; exp?: number; key?: Uint8Array; aud?: string },
  ) => {
    const t = new SignJWT({ typ: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(sub)
      .setIssuer(jwt.issuer)
      .setAudience(o.aud ?? jwt.audience)
      .setIssuedAt(o.iat ?? nowS())
      .setExpirationTime(o.exp ?? nowS() + 600);
    if (o.nbf !== undefined) t.setNotBefore(o.nbf);
    return t.sign(o.key ?? key);
  };
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return {
    stack,
    redis,
    redisServer,
    logLines,
    async tokens(valid, other) {
      const sub = stack.agents[0]?.email ?? '';
      return {
        valid,
        otherAgent: other,
        expired: await sign(sub, { iat: nowS() - 7200, exp: nowS() - 3600 }),
        futureIat: await sign(sub, { iat: nowS() + 3600, exp: nowS() + 7200 }),
        notYetValid: await sign(sub, { nbf: nowS() + 3600 }),
        algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ typ: 'access', sub, iss: jwt.issuer, aud: jwt.audience, iat: nowS(), exp: nowS() + 600 })}.`,
        wrongKey: await sign(sub, { key: new TextEncoder().encode('not-the-coordinator-secret-0123456789') }),
        wrongAudience: await sign(sub, { aud: 'someone-else' }),
      };
    },
    async writesSince() {
      await sub.ping();
      return written.splice(0);
    },
    async state() {
      const all = await snapshotRedis(redis);
      const kept = Object.fromEntries(
        Object.entries(all).filter(([k]) => !VOLATILE.some((re) => re.test(k))),
      );
      return { redis: kept, sheets: JSON.stringify(stack.sheets.state.snapshot()) };
    },
    async close() {
      await stack.stop();
      sub.disconnect();
      redis.disconnect();
      await redisServer.stop();
    },
  };
}
