// The refresh-token store's contract on a real redis-server: one-time use, reuse of a used token revokes its family,
// a token whose family part was edited is refused (before and after its real family is revoked), the grace
// window that hands a just-rotated token's unused successor back, expiry, family revocation (logout), and
// records hashed at rest (Redis holds no usable secret).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServerHandle, startRedisServer } from '../../../test/support/redis-server.js';
import {
  hashSecret,
  newRefreshToken,
  parseRefreshToken,
  type PresentedToken,
  RedisRefreshTokenStore,
  type RefreshTokenStore,
  type SuccessorToken,
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
const GRACE = 30_000;
type Issued = { token: string; key: PresentedToken };
/** A fresh token of `family` as the client would present it, and as a successor record to create. */
function mint(now: number, family?: string, sealed = 'sealed-pair'): Issued & { next: SuccessorToken } {
  const { token, parts } = newRefreshToken('Ann@Example.com', family);
  const key = {
    email: parts.email,
    familyId: parts.familyId,
    tokenId: parts.tokenId,
    hash: hashSecret(parts.secret),
  };
  return { token, key, next: { tokenId: parts.tokenId, hash: key.hash, expiresAt: now + TTL, sealed } };
}
async function issue(store: RefreshTokenStore, now: number): Promise<Issued> {
  const t = mint(now);
  await store.create({ ...t.key, expiresAt: now + TTL });
  return t;
}
/** Rotates `t`, returning the status and the successor it created (presentable like any token). */
async function rotate(s: RefreshTokenStore, t: Issued, now: number, sealed = 'sealed-pair') {
  const next = mint(now, t.key.familyId, sealed);
  const r = await s.rotate(t.key, next.next, now, TTL);
  return { r, next };
}

describe.each([
  ['redis', () => new RedisRefreshTokenStore(client, { reuseGraceMs: GRACE })],
  ['redis, no grace', () => new RedisRefreshTokenStore(client, { reuseGraceMs: 0 })],
] as [string, () => RefreshTokenStore][])('refresh tokens (%s)', (name, make) => {
  const graced = !name.includes('no grace');

  it('a token works once; presenting it again after the grace window revokes its whole family', async () => {
    const s = make();
    const now = Date.now();
    const t1 = await issue(s, now);
    const { r, next: t2 } = await rotate(s, t1, now);
    expect(r).toEqual({ status: 'ok' });
    expect((await rotate(s, t1, now + GRACE + 1)).r).toEqual({ status: 'reused' });
    expect((await rotate(s, t2, now + GRACE + 2)).r).toEqual({ status: 'revoked' });
  });

  it('refuses a token whose family part was edited, before and after its family is revoked', async () => {
    const s = make();
    const now = Date.now();
    const t1 = await issue(s, now);
    const { next: t2 } = await rotate(s, t1, now);
    const forged = (t: Issued, familyId: string): Issued => ({ ...t, key: { ...t.key, familyId } });
    expect((await rotate(s, forged(t2, 'another-family'), now + 1)).r).toEqual({ status: 'invalid' });
    // The thief's copy of t1 comes back after the window: the family is revoked...
    expect((await rotate(s, t1, now + GRACE + 1)).r).toEqual({ status: 'reused' });
    // ...and t2 with its family part rewritten to a family that is not revoked still does not work.
    expect((await rotate(s, forged(t2, 'another-family'), now + GRACE + 2)).r).toEqual({ status: 'invalid' });
    expect((await rotate(s, forged(t2, ''), now + GRACE + 3)).r).toEqual({ status: 'invalid' });
    expect((await rotate(s, t2, now + GRACE + 4)).r).toEqual({ status: 'revoked' });
  });

  it('within the grace window a used token gets its unused successor back, once the successor is used it is reuse', async () => {
    const s = make();
    const now = Date.now();
    const t1 = await issue(s, now);
    const first = await rotate(s, t1, now, 'pair-2');
    expect(first.r).toEqual({ status: 'ok' });
    const again = await rotate(s, t1, now + 1_000, 'pair-2-bis');
    if (!graced) {
      expect(again.r).toEqual({ status: 'reused' });
      return;
    }
    expect(again.r).toEqual({ status: 'replayed', sealed: 'pair-2' });
    // The retry's own successor was discarded; the first successor is the one that works.
    expect((await rotate(s, again.next, now + 1_500)).r).toEqual({ status: 'invalid' });
    const third = await rotate(s, first.next, now + 2_000, 'pair-3');
    expect(third.r).toEqual({ status: 'ok' });
    // t1 again, still inside its window, but its successor has been used: a stolen copy, the family goes.
    expect((await rotate(s, t1, now + 3_000)).r).toEqual({ status: 'reused' });
    expect((await rotate(s, third.next, now + 3_001)).r).toEqual({ status: 'revoked' });
  });

  it('rejects a wrong secret and an expired token', async () => {
    const s = make();
    const now = Date.now();
    const t = await issue(s, now);
    expect((await rotate(s, { ...t, key: { ...t.key, hash: hashSecret('guess') } }, now)).r).toEqual({
      status: 'invalid',
    });
    expect((await rotate(s, t, now + TTL + 1)).r).toEqual({ status: 'expired' });
  });

  it('logout revokes the family', async () => {
    const s = make();
    const now = Date.now();
    const t = await issue(s, now);
    expect(await s.revokeFamily(t.key, now, TTL)).toBe(true);
    expect((await rotate(s, t, now)).r).toEqual({ status: 'revoked' });
  });

  it('a made-up, wrong-secret or other-family token revokes nothing', async () => {
    const s = make();
    const now = Date.now();
    const t = await issue(s, now);
    expect(await s.revokeFamily(mint(now).key, now, TTL)).toBe(false);
    expect(await s.revokeFamily({ ...t.key, hash: hashSecret('guess') }, now, TTL)).toBe(false);
    expect(await s.revokeFamily({ ...t.key, familyId: 'otherFamily' }, now, TTL)).toBe(false);
    expect(await s.revokeFamily(t.key, now + TTL + 1, TTL)).toBe(false);
    expect((await rotate(s, t, now)).r).toEqual({ status: 'ok' });
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
