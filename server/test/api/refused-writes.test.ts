// A refused or unauthenticated request writes nothing to Redis (issue 9 item 2): made-up refresh tokens
// naming an agent not in the router, an inactive one or an active one (refresh and logout), demo logins of
// unknown or inactive agents, every authenticated route without a valid token, and unsigned webhooks.
// The whole database is compared before and after.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorBodySchema } from '../../../src-shared/contracts/errors.js';
import { HTTP_API } from '../../../src-shared/contracts/http.js';
import { type RedisServerHandle, startRedisServer } from '../../../test/support/redis-server.js';
import { newRefreshToken } from '../../src/auth/refresh-tokens.js';
import { DIALPAD_WEBHOOK_PATH } from '../../src/http/webhook.js';
import { call, type Harness, routerEntry, startHarness } from './support/harness.js';
import { diffSnapshots, snapshotRedis } from './support/redis-snapshot.js';

let redisServer: RedisServerHandle;
let redis: Redis;
let h: Harness;

beforeAll(async () => {
  redisServer = await startRedisServer({ appendOnly: false });
  redis = new Redis(redisServer.url);
  h = await startHarness({
    redisUrl: redisServer.url,
    router: [routerEntry('ann@example.com'), routerEntry('ivy@example.com', false)],
  });
  await h.login('ann@example.com'); // a real family exists beside the made-up ones
});
afterAll(async () => {
  await h.close();
  redis.disconnect();
  await redisServer.stop();
});

const errCode = (body: unknown) => ApiErrorBodySchema.parse(body).error.code;

describe('refused requests change nothing in Redis', () => {
  it('made-up refresh tokens (unknown, inactive, active agent) on refresh and logout: 401/200, no key', async () => {
    const before = await snapshotRedis(redis);
    for (const email of ['zed@example.com', 'ivy@example.com', 'ann@example.com']) {
      for (let i = 0; i < 20; i++) {
        const { token } = newRefreshToken(email);
        const r = await call(`${h.url}/auth/refresh`, { body: { refreshToken: token } });
        // Same answer whoever the token names: it does not tell who is in the router.
        expect([email, r.status, errCode(r.body)]).toEqual([email, 401, 'UNAUTHENTICATED']);
        const out = await call(`${h.url}/auth/logout`, { body: { refreshToken: token } });
        expect(out.status).toBe(200);
      }
    }
    expect(diffSnapshots(before, await snapshotRedis(redis))).toEqual([]);
  });

  it('refused logins, routes without a valid token and unsigned webhooks: no key', async () => {
    const before = await snapshotRedis(redis);
    for (const demoEmail of ['zed@example.com', 'ivy@example.com']) {
      expect((await call(`${h.url}/auth/login`, { body: { demoEmail } })).status).toBe(403);
    }
    for (const route of Object.values(HTTP_API).filter((r) => r.auth)) {
      for (const token of [
        undefined,
        'not.a.jwt',
        'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbm5AZXhhbXBsZS5jb20ifQ.',
      ]) {
        const r = await call(`${h.url}${route.path}`, {
          method: route.method,
          ...(token ? { token } : {}),
          key: 'refused-key-1',
          ...(route.method === 'POST' ? { body: {} } : {}),
        });
        expect([route.path, r.status]).toEqual([route.path, 401]);
      }
    }
    const hook = await call(`${h.url}${DIALPAD_WEBHOOK_PATH}`, {
      body: { call_id: 1, state: 'hangup', custom_data: '{}' },
    });
    expect(hook.status).toBe(401);
    expect(diffSnapshots(before, await snapshotRedis(redis))).toEqual([]);
  });

  it('a genuine token of an agent made inactive still revokes its family (a write by an authenticated token)', async () => {
    // Control: the comparison above can see a write. ivy's own genuine family is revoked on refresh.
    const ivy = await startHarness({ redisUrl: redisServer.url, router: [routerEntry('ivy@example.com')] });
    const pair = await ivy.login('ivy@example.com');
    await ivy.close();
    const before = await snapshotRedis(redis);
    const r = await call(`${h.url}/auth/refresh`, { body: { refreshToken: pair.refreshToken } });
    expect([r.status, errCode(r.body)]).toEqual([403, 'AGENT_INACTIVE']);
    expect(diffSnapshots(before, await snapshotRedis(redis)).some((k) => k.includes(':family:'))).toBe(true);
  });
});
