// One contract suite for both refresh-token twins: one-time use, reuse of a used token revokes its family,
// expiry, family revocation (logout), and records hashed at rest (Redis holds no usable secret).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServerHandle, startRedisServer } from '../../../test/support/redis-server.js';
import {
  hashSecret,
  MemoryRefreshTokenStore,
  newRefreshToken,
  parseRefreshToken,
  RedisRefreshTokenStore,
  type RefreshTokenStore,
} from '../../src/auth/refresh-tokens.js';

let redisServer: RedisServerHandle;
let client: Redis;
beforeAll(async () => {
  redisServer = await startRedisServer({ appendOnly: false });
  client = new Redis(redisServer.url);
});
afterAll(async () => {
  client.disconnect();
  await redisServer.stop();
});

const TTL = 3_600_000;
async function issue(store: RefreshTokenStore, now: number, family?: string) {
  const { token, parts } = newRefreshToken('Ann@Example.com', family);
  await store.create({ ...parts, hash: hashSecret(parts.secret), expiresAt: now + TTL });
  return { token, key: { ...parts, hash: hashSecret(parts.secret) } };
}

describe.each([
  ['memory', () => new MemoryRefreshTokenStore()],
  ['redis', () => new RedisRefreshTokenStore(client)],
] as [string, () => RefreshTokenStore][])('refresh tokens (%s)', (_n, make) => {
  it('a token works once; presenting it again revokes its whole family', async () => {
    const s = make();
    const now = Date.now();
    const t1 = await issue(s, now);
    expect(await s.consume(t1.key, now, TTL)).toBe('ok');
    const t2 = await issue(s, now, t1.key.familyId);
    expect(await s.consume(t1.key, now, TTL)).toBe('reused');
    expect(await s.consume(t2.key, now, TTL)).toBe('revoked');
  });

  it('rejects a wrong secret and an expired token', async () => {
    const s = make();
    const now = Date.now();
    const t = await issue(s, now);
    expect(await s.consume({ ...t.key, hash: hashSecret('guess') }, now, TTL)).toBe('invalid');
    expect(await s.consume(t.key, now + TTL + 1, TTL)).toBe('expired');
  });

  it('logout revokes the family', async () => {
    const s = make();
    const now = Date.now();
    const t = await issue(s, now);
    await s.revokeFamily(t.key.email, t.key.familyId, now, TTL);
    expect(await s.consume(t.key, now, TTL)).toBe('revoked');
  });
});

describe('refresh token format', () => {
  it('round-trips and rejects garbage', () => {
    const { token, parts } = newRefreshToken('ann@example.com');
    expect(parseRefreshToken(token)).toEqual(parts);
    expect(parseRefreshToken('rt1.bad')).toBeNull();
    expect(parseRefreshToken(`${token}.extra`)).toBeNull();
  });

  it('stores only a hash of the secret in Redis', async () => {
    const s = new RedisRefreshTokenStore(client);
    const t = await issue(s, Date.now());
    const secret = (parseRefreshToken(t.token) ?? { secret: '' }).secret;
    const dump = JSON.stringify(await client.hgetall(`dialer:refresh:{a:ann@example.com}:${t.key.tokenId}`));
    expect(dump).toContain(hashSecret(secret));
    expect(dump).not.toContain(secret);
  });
});
