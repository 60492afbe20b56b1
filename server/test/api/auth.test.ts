// Auth end to end over HTTP: OIDC login against a local JWKS endpoint serving a locally generated key, the
// router gate (Active agents only), access-token checks (none, expired, wrong signature, wrong audience,
// iat/nbf in the future beyond the 60 s skew, no iat),
// rotating refresh tokens with reuse detection and a retry grace window, logout, demo mode only when enabled,
// the admin CLI, and refresh under router (Sheets) failures: the token is not spent, so the retry works.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, ApiErrorBodySchema } from '../../../src-shared/contracts/errors.js';
import { AuthConfigSchema, HTTP_API, TokenPairSchema } from '../../../src-shared/contracts/http.js';
import { AccessTokens } from '../../src/auth/access-tokens.js';
import { AuthService } from '../../src/auth/auth-service.js';
import { OidcVerifier } from '../../src/auth/oidc.js';
import {
  DEFAULT_REUSE_GRACE_MS,
  RedisRefreshTokenStore,
  type RefreshTokenStore,
} from '../../src/auth/refresh-tokens.js';
import { type RedisServerHandle, startRedisServer } from '../../../test/support/redis-server.js';
import { mintToken } from '../../src/cli/mint-token.js';
import { call, type Harness, JWT, routerEntry, startHarness } from './support/harness.js';

const ISSUER = 'https://issuer.test';
const CLIENT_ID = 'dialer-client-id';
let jwks: Server;
let signingKey: CryptoKey;
let otherKey: CryptoKey;
let h: Harness;
let demo: Harness;
let redisServer: RedisServerHandle;
let redisClient: Redis;

const idToken = (
  claims: Record<string, unknown>,
  opts: { key?: CryptoKey; aud?: string; exp?: number } = {},
) =>
  new SignJWT({ email_verified: true, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: opts.key === otherKey ? 'other' : 'k1' })
    .setIssuer(ISSUER)
    .setAudience(opts.aud ?? CLIENT_ID)
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? Math.floor(Date.now() / 1000) + 300)
    .sign(opts.key ?? signingKey);

const errCode = (body: unknown) => ApiErrorBodySchema.parse(body).error.code;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  jwks = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [publicJwk] }));
  });
  jwks.listen(0, '127.0.0.1');
  await once(jwks, 'listening');
  const router = [
    routerEntry('ann@example.com'),
    routerEntry('bob@example.com'),
    routerEntry('ivy@example.com', false),
  ];
  h = await startHarness({
    router,
    demoMode: false,
    oidc: new OidcVerifier({
      issuer: ISSUER,
      clientId: CLIENT_ID,
      jwksUrl: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/certs`,
    }),
  });
  demo = await startHarness({ router, demoMode: true });
  redisServer = await startRedisServer({ appendOnly: false });
  redisClient = new Redis(redisServer.url);
});
afterAll(async () => {
  await h.close();
  await demo.close();
  jwks.close();
  redisClient.disconnect();
  await redisServer.stop();
});

const login = (body: unknown, on = h) => call(`${on.url}/auth/login`, { body });

describe('OIDC login', () => {
  it('exchanges a valid ID token of an Active agent for our token pair', async () => {
    const r = await login({ idToken: await idToken({ email: 'Ann@Example.com' }) });
    expect(r.status).toBe(200);
    const pair = TokenPairSchema.parse(r.body);
    expect(pair.agent).toEqual({
      email: 'ann@example.com',
      dialpadUserId: 'dp-ann',
      campaignName: 'Test campaign',
    });
    const me = await call(`${h.url}/session/current`, { token: pair.accessToken });
    expect(me.status).toBe(200);
  });

  it('refuses inactive agents, agents missing from the router, and bad ID tokens', async () => {
    const inactive = await login({ idToken: await idToken({ email: 'ivy@example.com' }) });
    expect([inactive.status, errCode(inactive.body)]).toEqual([403, 'AGENT_INACTIVE']);
    const stranger = await login({ idToken: await idToken({ email: 'eve@example.com' }) });
    expect([stranger.status, errCode(stranger.body)]).toEqual([403, 'AGENT_NOT_IN_ROUTER']);
    const wrongAud = await login({
      idToken: await idToken({ email: 'ann@example.com' }, { aud: 'someone-else' }),
    });
    expect(wrongAud.status).toBe(401);
    const wrongKey = await login({ idToken: await idToken({ email: 'ann@example.com' }, { key: otherKey }) });
    expect(wrongKey.status).toBe(401);
    const expired = await login({ idToken: await idToken({ email: 'ann@example.com' }, { exp: 1_000_000 }) });
    expect([expired.status, errCode(expired.body)]).toEqual([401, 'TOKEN_EXPIRED']);
    const unverified = await login({
      idToken: await idToken({ email: 'ann@example.com', email_verified: false }),
    });
    expect(unverified.status).toBe(401);
  });

  it('refuses demo login when demo mode is off and lists no demo agents', async () => {
    const r = await login({ demoEmail: 'ann@example.com' });
    expect([r.status, errCode(r.body)]).toEqual([403, 'FORBIDDEN']);
    const cfg = AuthConfigSchema.parse((await call(`${h.url}/auth/config`)).body);
    expect(cfg).toEqual({ mode: 'oidc', demoAgents: [], oidc: { issuer: ISSUER, clientId: CLIENT_ID } });
  });
});

describe('demo mode', () => {
  it('lists the Active seeded agents and logs them in by email alone', async () => {
    const cfg = AuthConfigSchema.parse((await call(`${demo.url}/auth/config`)).body);
    expect(cfg.mode).toBe('demo');
    expect(cfg.demoAgents.map((a) => a.email)).toEqual(['ann@example.com', 'bob@example.com']);
    expect((await login({ demoEmail: 'bob@example.com' }, demo)).status).toBe(200);
    expect((await login({ demoEmail: 'ivy@example.com' }, demo)).status).toBe(403);
  });
});

describe('access tokens on the API', () => {
  const other = (o: Partial<typeof JWT> & { ttlSeconds?: number }) =>
    new AccessTokens({ ...JWT, ttlSeconds: 300, ...o });

  it('401 without a token, with an expired one, a wrong signature or a wrong audience', async () => {
    const url = `${h.url}/stats`;
    const none = await call(url);
    expect([none.status, errCode(none.body)]).toEqual([401, 'UNAUTHENTICATED']);
    const expired = await other({}).sign('ann@example.com', Date.now() - 3_600_000);
    const e = await call(url, { token: expired.token });
    expect([e.status, errCode(e.body)]).toEqual([401, 'TOKEN_EXPIRED']);
    const forged = await other({ secret: 'another-secret-another-secret-123456' }).sign(
      'ann@example.com',
      Date.now(),
    );
    const f = await call(url, { token: forged.token });
    expect([f.status, errCode(f.body)]).toEqual([401, 'BAD_SIGNATURE']);
    const wrongAud = await other({ audience: 'another-api' }).sign('ann@example.com', Date.now());
    expect((await call(url, { token: wrongAud.token })).status).toBe(401);
    const wrongIss = await other({ issuer: 'someone' }).sign('ann@example.com', Date.now());
    expect((await call(url, { token: wrongIss.token })).status).toBe(401);
    const good = await other({}).sign('ann@example.com', Date.now());
    expect((await call(url, { token: good.token })).status).toBe(200);
  });

  it('refuses on every route a token issued or valid from more than 60 s ahead, or without iat; allows 60 s of skew', async () => {
    const key = new TextEncoder().encode(JWT.secret);
    const nowS = Math.floor(Date.now() / 1000);
    const raw = (claims: { iat?: number; nbf?: number }, alg = 'HS256') => {
      const jwt = new SignJWT({ typ: 'access', ...claims })
        .setProtectedHeader({ alg })
        .setSubject('ann@example.com')
        .setIssuer(JWT.issuer)
        .setAudience(JWT.audience)
        .setExpirationTime(nowS + 7200);
      return jwt.sign(key);
    };
    const refused = [
      await other({})
        .sign('ann@example.com', Date.now() + 3_600_000)
        .then((t) => t.token),
      await raw({ iat: nowS + 90 }),
      await raw({ iat: nowS, nbf: nowS + 90 }),
      await raw({}),
    ];
    const routes = Object.values(HTTP_API).filter((r) => r.auth);
    expect(routes.map((r) => r.path)).toContain('/ws/ticket');
    for (const route of routes) {
      for (const token of refused) {
        const r = await call(`${h.url}${route.path}`, {
          method: route.method,
          token,
          key: 'future-iat-key',
          ...(route.method === 'POST' ? { body: {} } : {}),
        });
        expect([route.path, r.status, errCode(r.body)]).toEqual([route.path, 401, 'UNAUTHENTICATED']);
      }
    }
    const withinSkew = await raw({ iat: nowS + 30, nbf: nowS + 30 });
    expect((await call(`${h.url}/stats`, { token: withinSkew })).status).toBe(200);
    expect((await call(`${h.url}/ws/ticket`, { method: 'POST', token: withinSkew, body: {} })).status).toBe(
      200,
    );
  });

  it('the admin CLI mints a token the API accepts', async () => {
    const env = { JWT_SECRET: JWT.secret, JWT_ISSUER: JWT.issuer, JWT_AUDIENCE: JWT.audience };
    const t = await mintToken(['Bob@Example.com', '--ttl', '120'], env, Date.now());
    expect(t.email).toBe('bob@example.com');
    expect((await call(`${h.url}/stats`, { token: t.token })).status).toBe(200);
    await expect(mintToken(['not-an-email'], env, Date.now())).rejects.toThrow(/usage/);
    await expect(mintToken(['a@b.co'], {}, Date.now())).rejects.toThrow(/JWT_SECRET/);
  });
});

describe('refresh tokens', () => {
  it('rotate on every refresh; a lost response may be retried; reusing an old one revokes; logout revokes', async () => {
    const refresh = (refreshToken: string) => call(`${demo.url}/auth/refresh`, { body: { refreshToken } });
    const first = TokenPairSchema.parse((await login({ demoEmail: 'ann@example.com' }, demo)).body);
    const r1 = await refresh(first.refreshToken);
    expect(r1.status).toBe(200);
    const second = TokenPairSchema.parse(r1.body);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    // The client never saw r1 (connection dropped) and retries at once: it gets that very pair again.
    const retry = await refresh(first.refreshToken);
    expect([retry.status, retry.body]).toEqual([200, second]);
    const third = TokenPairSchema.parse((await refresh(second.refreshToken)).body);
    // A copy of `first` presented after its successor was used is a stolen token: the family is revoked.
    const replay = await refresh(first.refreshToken);
    expect([replay.status, errCode(replay.body)]).toEqual([401, 'UNAUTHENTICATED']);
    expect((await refresh(third.refreshToken)).status).toBe(401);

    const other = TokenPairSchema.parse((await login({ demoEmail: 'ann@example.com' }, demo)).body);
    expect(
      (await call(`${demo.url}/auth/logout`, { body: { refreshToken: other.refreshToken } })).status,
    ).toBe(200);
    expect((await refresh(other.refreshToken)).status).toBe(401);
  });
});

// Refresh at the service with a router (Sheets) that can fail on demand, on the Redis store, with `now` passed
// in so the grace window is crossed without waiting.
describe.each([['redis', () => new RedisRefreshTokenStore(redisClient)]] as [
  string,
  () => RefreshTokenStore,
][])('refresh under router failures (%s)', (_n, makeStore) => {
  const GRACE = DEFAULT_REUSE_GRACE_MS;
  const setup = () => {
    const state = { sheetsDown: false, active: true };
    const auth = new AuthService({
      tokens: new AccessTokens({ ...JWT, ttlSeconds: 300 }),
      refreshStore: makeStore(),
      refreshTtlSeconds: 3600,
      router: {
        findRouterEntry: async (email) => {
          if (state.sheetsDown) throw new ApiError('SHEETS_UNAVAILABLE', 'Google Sheets is not answering');
          return { ...routerEntry(email), active: state.active };
        },
        listRouterEntries: async () => [],
      },
      oidc: null,
      demoMode: true,
    });
    return { auth, state };
  };
  const codeOf = async (p: Promise<unknown>) =>
    p.then(
      () => 'OK',
      (e: unknown) => (e instanceof ApiError ? e.code : String(e)),
    );

  it('a Sheets outage fails the refresh without spending the token; the same token works afterwards', async () => {
    const { auth, state } = setup();
    const now = Date.now();
    const pair = await auth.login({ demoEmail: 'ann@example.com' }, now);
    state.sheetsDown = true;
    expect(await codeOf(auth.refresh(pair.refreshToken, now + 1_000))).toBe('SHEETS_UNAVAILABLE');
    expect(await codeOf(auth.refresh(pair.refreshToken, now + 2_000))).toBe('SHEETS_UNAVAILABLE');
    state.sheetsDown = false;
    // Well past the grace window: the token was never spent, so this is not reuse.
    const next = await auth.refresh(pair.refreshToken, now + GRACE + 60_000);
    expect(next.refreshToken).not.toBe(pair.refreshToken);
    expect(await codeOf(auth.refresh(next.refreshToken, now + GRACE + 61_000))).toBe('OK');
  });

  it('a retry within the grace window gets the same pair; reuse after it revokes the family', async () => {
    const { auth } = setup();
    const now = Date.now();
    const pair = await auth.login({ demoEmail: 'ann@example.com' }, now);
    const lost = await auth.refresh(pair.refreshToken, now + 1_000);
    expect(await auth.refresh(pair.refreshToken, now + 1_000 + GRACE - 1)).toEqual(lost);
    expect(await codeOf(auth.refresh(pair.refreshToken, now + 1_000 + GRACE + 1))).toBe('UNAUTHENTICATED');
    expect(await codeOf(auth.refresh(lost.refreshToken, now + 1_000 + GRACE + 2))).toBe('UNAUTHENTICATED');
  });

  it('a token whose family part was edited is refused, before and after its family is revoked', async () => {
    const { auth } = setup();
    const now = Date.now();
    const t1 = (await auth.login({ demoEmail: 'ann@example.com' }, now)).refreshToken;
    const t2 = (await auth.refresh(t1, now + 1)).refreshToken;
    const forged = (t: string) =>
      t
        .split('.')
        .map((p, i) => (i === 2 ? 'forgedFamily' : p))
        .join('.');
    expect(await codeOf(auth.refresh(forged(t2), now + 2))).toBe('UNAUTHENTICATED');
    expect(await codeOf(auth.refresh(t1, now + GRACE + 10))).toBe('UNAUTHENTICATED'); // reuse: F revoked
    expect(await codeOf(auth.refresh(forged(t2), now + GRACE + 11))).toBe('UNAUTHENTICATED');
    expect(await codeOf(auth.refresh(t2, now + GRACE + 12))).toBe('UNAUTHENTICATED');
  });

  it('an agent made inactive cannot refresh, and the family stays revoked when they are reactivated', async () => {
    const { auth, state } = setup();
    const now = Date.now();
    const pair = await auth.login({ demoEmail: 'ann@example.com' }, now);
    state.active = false;
    expect(await codeOf(auth.refresh(pair.refreshToken, now + 1))).toBe('AGENT_INACTIVE');
    state.active = true;
    expect(await codeOf(auth.refresh(pair.refreshToken, now + 2))).toBe('UNAUTHENTICATED');
  });
});

describe('the grace window at rest', () => {
  it('keeps the successor pair in Redis only encrypted: no refresh secret or access token in clear', async () => {
    const auth = new AuthService({
      tokens: new AccessTokens({ ...JWT, ttlSeconds: 300 }),
      refreshStore: new RedisRefreshTokenStore(redisClient),
      refreshTtlSeconds: 3600,
      router: { findRouterEntry: async (email) => routerEntry(email), listRouterEntries: async () => [] },
      oidc: null,
      demoMode: true,
    });
    const now = Date.now();
    const first = await auth.login({ demoEmail: 'bob@example.com' }, now);
    const next = await auth.refresh(first.refreshToken, now + 1);
    const dump: string[] = [];
    for (const k of await redisClient.keys('dialer:refresh:{a:bob@example.com}:*'))
      dump.push(JSON.stringify(await redisClient.hgetall(k)));
    const all = dump.join('\n');
    expect(all).toContain('"sealed"'); // the successor is there, for a retry within the window...
    // ...but neither the presented nor the new secrets, nor the access token, can be read from it.
    for (const secret of [
      first.refreshToken.split('.')[4],
      next.refreshToken.split('.')[4],
      next.accessToken,
    ])
      expect(all).not.toContain(secret);
  });
});
